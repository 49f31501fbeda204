// A small reader of the generated OpenAPI document (no CDN, no inline script).
(function () {
  var root = document.getElementById("api-docs");
  if (!root) { return; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function schemaName(ref) { return ref ? ref.split("/").pop() : ""; }
  fetch(root.dataset.spec).then(function (r) { return r.json(); }).then(function (spec) {
    root.appendChild(el("p", "text-muted", spec.info.title + " " + spec.info.version));
    Object.keys(spec.paths).sort().forEach(function (path) {
      var ops = spec.paths[path];
      Object.keys(ops).forEach(function (method) {
        var op = ops[method];
        var card = el("div", "card mb-2");
        var body = el("div", "card-body py-2");
        var head = el("div", "fw-semibold");
        head.appendChild(el("span", "badge text-bg-primary me-2", method.toUpperCase()));
        head.appendChild(el("code", "", path));
        body.appendChild(head);
        if (op.summary || op.description) { body.appendChild(el("div", "small", op.summary || op.description)); }
        (op.parameters || []).forEach(function (p) {
          body.appendChild(el("div", "small text-muted", p.in + " · " + p.name + (p.required ? " (required)" : "")));
        });
        if (op.requestBody) {
          var content = op.requestBody.content["application/json"];
          body.appendChild(el("div", "small", "body: " + schemaName(content.schema.$ref)));
        }
        Object.keys(op.responses || {}).forEach(function (code) {
          var response = op.responses[code];
          var content = response.content && response.content["application/json"];
          body.appendChild(el("div", "small text-muted", code + " " + (response.description || "") +
            (content && content.schema.$ref ? " → " + schemaName(content.schema.$ref) : "")));
        });
        card.appendChild(body);
        root.appendChild(card);
      });
    });
    var schemas = (spec.components || {}).schemas || {};
    root.appendChild(el("h2", "h5 mt-4", "Schemas"));
    Object.keys(schemas).sort().forEach(function (name) {
      var props = schemas[name].properties || {};
      var line = el("div", "small mb-1");
      line.appendChild(el("code", "", name));
      line.appendChild(document.createTextNode(": " + Object.keys(props).join(", ")));
      root.appendChild(line);
    });
  });
})();
