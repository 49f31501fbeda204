// Searchable pickers (chọn theo tên). A field the server marks with data-pick stays a plain
// field without script (a typed code is still what the form takes); with script it becomes a
// search box that asks the server (/pick/…, only what the user may see, at most 20 matches)
// and shows names, not codes. Three shapes:
//   <input data-pick>                         one code (a unit, a person, an account);
//   <textarea data-pick data-pick-multiple>   a list of codes, shown as removable chips;
//   <div data-pick data-pick-checklist=NAME>  chips and a search over the checkboxes NAME
//                                             inside the closest [data-pick-scope].
// The list is an ARIA combobox: arrows move, Enter picks, Esc closes.
(function () {
  "use strict";
  var made = 0;

  function json(value) {
    try { return JSON.parse(value || "{}"); } catch (e) { return {}; }
  }

  function splitCodes(text) {
    return (text || "").split(/[\s,;]+/).filter(function (c) { return c; });
  }

  // The search box and its list. `options`: url, key (code or id), texts, onPick(choice),
  // onType(text), onEnterText(text) (lists: a typed code becomes a chip).
  function combo(input, options) {
    var id = "pick-" + (++made);
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    list.id = id + "-list";
    list.className = "pick-list list-unstyled";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    if (!input.title) { input.title = options.texts.hint || ""; }
    if (!input.placeholder) { input.placeholder = options.texts.hint || ""; }
    input.parentNode.classList.add("pick-host");
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(status, list.nextSibling);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      active = index;
      var items = list.children;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
        items[i].classList.toggle("active", i === index);
      }
      if (index >= 0 && items[index] && items[index].id) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var choice = results[index];
      close();
      if (choice) { options.onPick(choice); }
    }

    function show(found, message) {
      results = found;
      list.textContent = "";
      found.forEach(function (choice, i) {
        var item = document.createElement("li");
        var detail = document.createElement("span");
        item.id = id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "pick-option";
        item.appendChild(document.createTextNode(choice.label));
        detail.className = "pick-detail";
        detail.textContent = choice.detail;
        item.appendChild(detail);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // the box keeps the focus
          pick(i);
        });
        list.appendChild(item);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "pick-none";
        none.setAttribute("aria-disabled", "true");
        none.textContent = message || options.texts.none || "";
        list.appendChild(none);
      }
      status.textContent = found.length ? String(found.length) : (message || options.texts.none);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var number = ++asked;
      var url = options.url + (options.url.indexOf("?") < 0 ? "?" : "&") + "q=" +
        encodeURIComponent(input.value.trim().slice(0, 100));
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (number !== asked || document.activeElement !== input) { return; }
          var found = data.results || [];
          var typed = input.value.trim();
          // a name typed out in full is as good as picked
          for (var i = 0; i < found.length; i++) {
            if (typed && found[i].label === typed && options.onExact) { options.onExact(found[i]); }
          }
          show(found);
        })
        .catch(function () {
          if (number === asked) { show([], options.texts.error); }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    }

    input.addEventListener("input", function () {
      if (options.onType) { options.onType(input.value); }
      later();
    });
    // A box that already names a choice is selected whole on focus, so that typing replaces
    // the name instead of landing in the middle of it. A click that focuses the box would put
    // the caret where it lands on mouseup: that one mouseup is cancelled.
    var clickFocus = false;
    input.addEventListener("mousedown", function () {
      clickFocus = document.activeElement !== input;
    });
    input.addEventListener("mouseup", function (event) {
      if (clickFocus && input.value) { event.preventDefault(); }
      clickFocus = false;
    });
    input.addEventListener("focus", function () {
      if (input.value) { input.select(); } else { later(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        if (results.length) { mark((active + 1) % results.length); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open && results.length) { mark(active <= 0 ? results.length - 1 : active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          pick(active);
        } else if (options.onEnterText && input.value.trim()) {
          event.preventDefault();
          close();
          options.onEnterText(input.value.trim());
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    return {close: close};
  }

  function chip(label, removeText, onRemove) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    item.className = "pick-chip badge text-bg-light border";
    item.appendChild(document.createTextNode(label));
    button.type = "button";
    button.className = "btn-close ms-1";
    button.setAttribute("aria-label", removeText + " " + label);
    button.addEventListener("click", onRemove);
    item.appendChild(button);
    return item;
  }

  // A search box standing in for `field` (which keeps its name and value, hidden): the
  // label's `for` now points at the box.
  function standIn(field) {
    var box = document.createElement("input");
    box.type = "text";
    box.className = "form-control pick-box" +
      (field.classList.contains("is-invalid") ? " is-invalid" : "");
    if (field.id) {
      box.id = field.id;
      field.id = field.id + "-value";
    }
    ["placeholder", "aria-label", "aria-describedby"].forEach(function (name) {
      if (field.hasAttribute(name)) { box.setAttribute(name, field.getAttribute(name)); }
    });
    field.parentNode.insertBefore(box, field);
    return box;
  }

  function single(field) {
    var texts = json(field.dataset.pickTexts);
    var names = json(field.dataset.pickLabels);
    var key = field.dataset.pickKey || "code";
    var box = standIn(field);
    var chosen = document.createElement("div");
    chosen.className = "form-text pick-chosen";
    field.hidden = true;  // still a text field: leaving the page with it changed asks first
    box.value = names[field.value] || field.value;
    box.parentNode.insertBefore(chosen, field.nextSibling);
    function take(choice) {
      field.value = String(choice[key]);
      box.value = choice.label;
      chosen.textContent = (texts.chosen || "") + " " + choice.label + " · " + choice.detail;
    }
    combo(box, {
      url: field.dataset.pick, texts: texts, onPick: take, onExact: take,
      onType: function (text) {
        field.value = text.trim();  // a typed code still works
        chosen.textContent = "";
      }
    });
  }

  function multiple(field) {
    var texts = json(field.dataset.pickTexts);
    var names = json(field.dataset.pickLabels);
    var key = field.dataset.pickKey || "code";
    var codes = splitCodes(field.value);
    var chips = document.createElement("ul");
    var box = standIn(field);
    chips.className = "pick-chips list-unstyled";
    box.parentNode.insertBefore(chips, box);
    field.hidden = true;

    function render() {
      field.value = codes.join("\n");
      chips.textContent = "";
      codes.forEach(function (code) {
        chips.appendChild(chip(names[code] || code, texts.remove || "×", function () {
          codes = codes.filter(function (c) { return c !== code; });
          render();
          box.focus();
        }));
      });
    }
    function add(code, label) {
      if (codes.indexOf(code) < 0) { codes.push(code); }
      names[code] = label;
      box.value = "";
      render();
    }
    combo(box, {
      url: field.dataset.pick, texts: texts,
      onPick: function (choice) { add(String(choice[key]), choice.label); },
      onEnterText: function (text) { add(text, text); }
    });
    if (field.form) {
      field.form.addEventListener("submit", function () {
        if (box.value.trim()) { add(box.value.trim(), box.value.trim()); }
      });
    }
    render();
  }

  // Chips and a search over a checklist: picking a person ticks their box in the list.
  function checklist(host) {
    var texts = json(host.dataset.pickTexts);
    var key = host.dataset.pickKey || "id";
    var scope = host.closest("[data-pick-scope]") || document;
    var name = host.dataset.pickChecklist;
    var chips = document.createElement("ul");
    var box = document.createElement("input");
    chips.className = "pick-chips list-unstyled";
    box.type = "text";
    box.className = "form-control form-control-sm pick-box";
    box.setAttribute("aria-label", host.dataset.pickLabel || "");
    host.appendChild(chips);
    host.appendChild(box);

    function boxes() {
      return Array.prototype.filter.call(scope.querySelectorAll("input[type=checkbox]"),
        function (b) { return b.name === name; });
    }
    function render() {
      chips.textContent = "";
      boxes().forEach(function (check) {
        if (!check.checked) { return; }
        chips.appendChild(chip(check.dataset.name || check.value, texts.remove || "×",
          function () {
            check.checked = false;
            render();
            box.focus();
          }));
      });
    }
    combo(box, {
      url: host.dataset.pick, texts: texts,
      onPick: function (choice) {
        var value = String(choice[key]);
        boxes().forEach(function (check) {
          if (check.value === value) {
            check.checked = true;
            var row = check.closest("tr");
            if (row) { row.scrollIntoView({block: "nearest"}); }
          }
        });
        box.value = "";
        render();
      }
    });
    scope.addEventListener("change", function (event) {
      if (event.target.name === name) { render(); }
    });
    scope.addEventListener("click", function (event) {
      var all = event.target.dataset && event.target.dataset.checkAll;
      if (all === name) { render(); }
    });
    render();
  }

  // "Everyone" buttons of a checklist column (data-check-all="<checkbox name>").
  document.addEventListener("click", function (event) {
    var name = event.target.dataset && event.target.dataset.checkAll;
    if (!name) { return; }
    var scope = event.target.closest("[data-pick-scope]") || document;
    var checks = scope.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < checks.length; i++) {
      if (checks[i].name === name) { checks[i].checked = true; }
    }
  }, true);

  var fields = document.querySelectorAll("[data-pick]");
  for (var i = 0; i < fields.length; i++) {
    var field = fields[i];
    if (field.hasAttribute("data-pick-checklist")) { checklist(field); }
    else if (field.hasAttribute("data-pick-multiple")) { multiple(field); }
    else if (field.tagName === "INPUT") { single(field); }
  }
})();
