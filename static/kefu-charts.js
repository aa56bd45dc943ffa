// Dashboard charts: every <canvas data-chart='{"labels":[…],"values":[…],"title":…}'>.
// Chart.js is served from /static/vendor (no CDN).
document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
  var data = JSON.parse(canvas.dataset.chart);
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: {labels: data.labels, datasets: [{label: data.title, data: data.values,
                                            backgroundColor: "rgba(54, 120, 200, 0.6)"}]},
    options: {animation: false, plugins: {legend: {display: false}},
              scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
});
