// Thi đua: charts drawn from the data tables beside them (static/vendor/chartjs, no inline
// script or style: the CSP allows only scripts and styles from this origin).
//
// A table marked data-chart="bar|hbar|line|doughnut" is the chart's only data source:
// - the header cells marked data-series are the series (their text is the series' name);
// - each body row is one label (its data-label, else the text of its first cell);
// - each cell under a series gives its number in data-value (the raw value; the cell's text,
//   formatted by the server in the page's language, is what the tooltip shows). A cell
//   without data-value is a gap, never a zero.
// Options on the table: data-chart-max (the value axis' maximum, e.g. 100 for percentages),
// data-chart-stacked, data-chart-counts (whole numbers: no fractional ticks). A doughnut whose labels are state badges takes the badges' colours.
// The canvas is drawn in a .chart-box placed before the table and is
// hidden from screen readers: the table beside it says the same.
(function () {
  if (typeof window.Chart === "undefined") { return; }

  function number(cell) {
    if (!cell || !cell.hasAttribute("data-value")) { return null; }
    var value = parseFloat(cell.getAttribute("data-value"));
    return isNaN(value) ? null : value;
  }

  function read(table) {
    var head = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    var series = [];
    if (head) {
      for (var i = 0; i < head.cells.length; i++) {
        if (head.cells[i].hasAttribute("data-series")) {
          series.push({index: i, name: head.cells[i].textContent.trim(), values: [], texts: []});
        }
      }
    }
    var labels = [];
    var colours = [];
    var body = table.tBodies[0];
    var rows = body ? body.rows : [];
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      if (row.hasAttribute("data-chart-skip") || !row.cells.length) { continue; }
      labels.push(row.getAttribute("data-label") || row.cells[0].textContent.trim());
      // a label shown as a state badge keeps the badge's colour in the chart
      var badge = row.cells[0].querySelector(".badge");
      colours.push(badge ? window.getComputedStyle(badge).backgroundColor : null);
      for (var s = 0; s < series.length; s++) {
        var cell = row.cells[series[s].index];
        series[s].values.push(number(cell));
        series[s].texts.push(cell ? cell.textContent.trim() : "");
      }
    }
    var coloured = colours.length && colours.every(function (c) { return c; });
    return {labels: labels, series: series, colours: coloured ? colours : null};
  }

  function draw(table) {
    var kind = table.getAttribute("data-chart");
    var data = read(table);
    if (!data.labels.length || !data.series.length) { return; }
    var box = document.createElement("div");
    box.className = "chart-box chart-" + kind;
    box.setAttribute("aria-hidden", "true");
    var canvas = document.createElement("canvas");
    box.appendChild(canvas);
    // above the table's own scroll box, unless that box is also a grid column (the chart
    // then stays inside the column, above the table)
    var wrapper = table.parentNode;
    var anchor = wrapper.classList.contains("table-responsive") &&
      !/(^|\s)col(-|\s|$)/.test(wrapper.className) ? wrapper : table;
    anchor.parentNode.insertBefore(box, anchor);

    var max = table.getAttribute("data-chart-max");
    var stacked = table.hasAttribute("data-chart-stacked");
    var type = kind === "hbar" ? "bar" : kind;
    var scale = {beginAtZero: true, stacked: stacked};
    if (max) { scale.max = parseFloat(max); }
    // counts (units, awards) are whole numbers: no 0,2 steps on their axis
    if (table.hasAttribute("data-chart-counts")) { scale.ticks = {precision: 0}; }
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: {display: data.series.length > 1 || kind === "doughnut"},
        tooltip: {callbacks: {label: function (item) {
          var s = data.series[item.datasetIndex];
          return (data.series.length > 1 ? s.name + ": " : "") + s.texts[item.dataIndex];
        }}}
      }
    };
    if (kind !== "doughnut") {
      var other = {stacked: stacked, ticks: {autoSkip: true}};
      options.indexAxis = kind === "hbar" ? "y" : "x";
      options.scales = kind === "hbar" ? {x: scale, y: other} : {x: other, y: scale};
    }
    table.chart = new window.Chart(canvas, {
      type: type,
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          var dataset = {label: s.name, data: s.values, spanGaps: false};
          if (data.colours && kind === "doughnut") { dataset.backgroundColor = data.colours; }
          return dataset;
        })
      },
      options: options
    });
  }

  var tables = document.querySelectorAll("table[data-chart]");
  for (var i = 0; i < tables.length; i++) { draw(tables[i]); }
})();
