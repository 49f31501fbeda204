// Thi đua: the small behaviours every page shares (no inline script: the CSP allows only
// scripts from this origin).

// Ask before buttons that change many things (data-confirm="question").
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Never lose typed work: leaving a page while one of its forms holds changes that were not
// saved asks first (the browser's own question). A form is changed when a field differs
// from what the page was loaded with; a form the server sent back refused (data-unsaved)
// is changed from the start. Submitting a form does not ask about that form, only about
// another one holding changes. POST forms only (a search box is not work), and not those
// marked data-no-guard.
(function () {
  var submitting = null;

  function selectChanged(select) {
    var options = select.options;
    if (select.multiple) {
      for (var i = 0; i < options.length; i++) {
        if (options[i].selected !== options[i].defaultSelected) { return true; }
      }
      return false;
    }
    var initial = -1;
    for (var j = 0; j < options.length; j++) {
      if (options[j].defaultSelected) { initial = j; }
    }
    if (initial === -1 && select.size <= 1 && options.length) { initial = 0; }
    return select.selectedIndex !== initial;
  }

  function changed(form) {
    if (form.hasAttribute("data-unsaved")) { return true; }
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var type = field.type;
      if (!field.name || type === "hidden" || type === "submit" || type === "button" ||
          type === "reset") { continue; }
      if (type === "checkbox" || type === "radio") {
        if (field.checked !== field.defaultChecked) { return true; }
      } else if (type === "file") {
        if (field.value) { return true; }
      } else if (field.tagName === "SELECT") {
        if (selectChanged(field)) { return true; }
      } else if (typeof field.defaultValue === "string" && field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function guarded(form) {
    return form.method === "post" && !form.hasAttribute("data-no-guard");
  }

  window.thiduaUnsavedForms = function () {
    var found = [];
    for (var i = 0; i < document.forms.length; i++) {
      var form = document.forms[i];
      if (form !== submitting && guarded(form) && changed(form)) { found.push(form); }
    }
    return found;
  };

  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { submitting = event.target; }
  });
  window.addEventListener("pageshow", function () { submitting = null; });
  window.addEventListener("beforeunload", function (event) {
    if (window.thiduaUnsavedForms().length) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
      return "";
    }
    return undefined;
  });
})();

// A number as people type it (`8,5`, `1.234,5` in Vietnamese; `8.5`, `1,234.5` in
// English), read as the server reads it (core/numbers.py: parse_number). Empty → null;
// not a number → NaN.
function thiduaParseNumber(value, locale) {
  var text = (value || "").replace(/[\s\u00a0]/g, "");
  if (!text) { return null; }
  var thousands = locale === "vi" ? "." : ",";
  var decimal = locale === "vi" ? "," : ".";
  var commas = text.split(",").length - 1;
  var dots = text.split(".").length - 1;
  if (commas && dots) {
    decimal = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
    thousands = decimal === "," ? "." : ",";
  } else if (commas + dots === 1) {
    var sep = commas ? "," : ".";
    var after = text.length - text.indexOf(sep) - 1;
    if (!(sep === thousands && after === 3)) {
      decimal = sep;
      thousands = sep === "," ? "." : ",";
    }
  } else if (commas > 1 || dots > 1) {
    thousands = commas > 1 ? "," : ".";
    decimal = thousands === "," ? "." : ",";
  }
  text = text.split(thousands).join("").replace(decimal, ".");
  if (!/^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text)) { return NaN; }
  return parseFloat(text);
}

// The running total of a score sheet (data-running-total="<id of the output>"): weighted
// points of the regular criteria, plus bonus and minus penalty points, as the ranking
// counts a sheet; formatted the way of the page's language (8,5 in Vietnamese).
(function () {
  function update(table) {
    var output = document.getElementById(table.dataset.runningTotal);
    var locale = output.dataset.locale || document.documentElement.lang || "vi";
    var total = 0;
    var inputs = table.querySelectorAll("input[data-kind]");
    for (var i = 0; i < inputs.length; i++) {
      var points = thiduaParseNumber(inputs[i].value, locale);
      if (points === null || isNaN(points)) { continue; }
      var kind = inputs[i].dataset.kind;
      if (kind === "bonus") { total += points; }
      else if (kind === "penalty") { total -= points; }
      else { total += points * parseFloat(inputs[i].dataset.weight || "1"); }
    }
    output.textContent = new Intl.NumberFormat(locale, {maximumFractionDigits: 3})
      .format(Math.round(total * 1e5) / 1e5);
  }

  document.addEventListener("input", function (event) {
    var table = event.target.closest && event.target.closest("table[data-running-total]");
    if (table) { update(table); }
  });
})();

// Print buttons (data-print); printed text areas show all their text.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
window.addEventListener("beforeprint", function () {
  var areas = document.querySelectorAll("textarea");
  for (var i = 0; i < areas.length; i++) {
    areas[i].style.height = areas[i].scrollHeight + 4 + "px";
  }
});
window.addEventListener("afterprint", function () {
  var areas = document.querySelectorAll("textarea");
  for (var i = 0; i < areas.length; i++) { areas[i].style.height = ""; }
});

// A wide table scrolls inside its own box (Bootstrap's .table-responsive), never the page.
(function () {
  var tables = document.querySelectorAll("main table");
  for (var i = 0; i < tables.length; i++) {
    var table = tables[i];
    if (table.parentElement.closest(".table-responsive")) { continue; }
    var box = document.createElement("div");
    box.className = "table-responsive";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  }
})();
