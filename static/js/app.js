// Thi đua: ask before buttons that change many things (data-confirm="question").
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// "Select everyone" buttons for multi-select lists (bulk selection of people).
document.addEventListener("click", function (event) {
  var id = event.target.dataset && event.target.dataset.selectAll;
  if (!id) { return; }
  var select = document.getElementById(id);
  for (var i = 0; i < select.options.length; i++) { select.options[i].selected = true; }
});
