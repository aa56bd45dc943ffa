// Dashboard charts: every <canvas data-chart='{"labels":[…],"values":[…],"title":…}'>.
// Chart.js is served from /static/vendor (no CDN).  With "series" ([{label, data}]) the
// bars are stacked, one colour per series, with a legend.
var KEFU_COLOURS = ["rgba(54, 120, 200, 0.7)", "rgba(230, 140, 40, 0.7)",
                    "rgba(200, 60, 60, 0.7)", "rgba(120, 120, 120, 0.7)",
                    "rgba(60, 160, 90, 0.7)"];
document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
  var data = JSON.parse(canvas.dataset.chart);
  var stacked = Array.isArray(data.series);
  var datasets = stacked ? data.series.map(function (s, i) {
    return {label: s.label, data: s.data, backgroundColor: KEFU_COLOURS[i % KEFU_COLOURS.length]};
  }) : [{label: data.title, data: data.values, backgroundColor: KEFU_COLOURS[0]}];
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: {labels: data.labels, datasets: datasets},
    options: {animation: false, plugins: {legend: {display: stacked}},
              scales: {x: {stacked: stacked},
                       y: {stacked: stacked, beginAtZero: true, ticks: {precision: 0}}}}
  });
});
