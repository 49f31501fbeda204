// Thi đua: a job's page follows its progress. It asks for the job's status once a second,
// moves the bar and the row count, and reloads itself once the job has finished, to show the
// download link (or the error). Plain JavaScript, no library.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.dataset.jobFinished) { return; }
  var bar = box.querySelector("[data-job-progress]");
  var rows = box.querySelector("[data-job-rows]");
  var state = box.querySelector("[data-job-state]");

  function show(status) {
    if (bar) { bar.value = status.percent; bar.textContent = status.percent + "%"; }
    if (rows) { rows.textContent = status.text; }
    if (state) { state.textContent = status.label; }
  }

  function poll() {
    fetch(box.dataset.jobStatusUrl, {headers: {"Accept": "application/json"},
                                     credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());
