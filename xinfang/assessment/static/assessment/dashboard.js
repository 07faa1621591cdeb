// The dashboard's charts (Apache ECharts, served from static/vendor/echarts): every bar,
// point and slice opens the list of its cases, like the numbers beside them.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const open = (p) => { if (p.data && p.data.url) window.location.href = p.data.url; };
  const draw = (el, option) => {
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", open);
    window.addEventListener("resize", () => chart.resize());
    window.addEventListener("beforeprint", () => chart.resize());
  };
  const trend = document.getElementById("chart-trend");
  if (trend) {
    draw(trend, {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100 }],
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.data }))
        .concat([{ name: data.on_time.name, type: "line", yAxisIndex: 1, data: data.on_time.data }]),
    });
  }
  document.querySelectorAll("[data-breakdown]").forEach((el) => {
    const slices = data.breakdowns[el.dataset.breakdown] || [];
    if (!slices.length) { el.remove(); return; }
    draw(el, {
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: slices }],
    });
  });
})();
