// The yearly counts as bars (Apache ECharts, served from static/vendor/echarts); the table
// beside it holds the same figures for screen readers and print.
(function () {
  const el = document.getElementById("chart-outreach");
  const data = JSON.parse(document.getElementById("outreach-data").textContent);
  if (!el || !data.units.length) { if (el) el.remove(); return; }
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: {},
    xAxis: { type: "category", data: data.units },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.dataset.events || "宣传活动", type: "bar", data: data.events },
      { name: el.dataset.trainings || "条例培训", type: "bar", data: data.trainings },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  window.addEventListener("beforeprint", () => chart.resize());
})();
