/* Charts from JSON blocks rendered by the page (no inline script: the CSP forbids it). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  Chart.defaults.animation = false;
  var SEV = { high: "#c0392b", medium: "#e67e22", low: "#2e86c1" };
  var PALETTE = ["#1f4e79", "#2e86c1", "#48c9b0", "#f4d03f", "#e67e22", "#c0392b", "#8e44ad", "#7f8c8d", "#27ae60", "#d35400", "#34495e"];

  function build(canvas) {
    var node = document.getElementById(canvas.dataset.chart);
    if (!node) { return; }
    var spec = JSON.parse(node.textContent);
    var cfg = { type: spec.type, data: { labels: spec.labels, datasets: [] },
                options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } } };
    if (spec.type === "doughnut") {
      cfg.data.datasets.push({ data: spec.data, backgroundColor: [SEV.high, SEV.medium, SEV.low] });
      cfg.options.plugins.legend.display = true;
    } else if (spec.datasets) {
      cfg.data.datasets = spec.datasets.map(function (d, i) {
        var color = SEV[d.severity] || PALETTE[i % PALETTE.length];
        return { label: d.label, data: d.data, borderColor: color, backgroundColor: color, tension: 0.2 };
      });
      cfg.options.plugins.legend.display = true;
      cfg.options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    } else {
      var colors = spec.winner ? spec.winner.map(function (w) { return w ? "#c0392b" : "#2e86c1"; }) : PALETTE[0];
      cfg.data.datasets.push({ label: spec.label, data: spec.data, backgroundColor: colors });
      if (spec.ceiling) {
        cfg.data.datasets.push({ type: "line", label: spec.ceilingLabel, data: spec.labels.map(function () { return spec.ceiling; }),
                                 borderColor: "#7f8c8d", borderDash: [6, 4], pointRadius: 0, fill: false });
        cfg.options.plugins.legend.display = true;
      }
      cfg.options.scales = { y: { beginAtZero: !spec.winner }, x: { ticks: { autoSkip: true, maxRotation: 45 } } };
      if (spec.labels.length > 8 && !spec.winner) { cfg.options.indexAxis = "y"; }
    }
    canvas.chart = new Chart(canvas, cfg);
  }
  function init() { document.querySelectorAll("canvas[data-chart]").forEach(build); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
