// The hot-issue page's bar chart: the ten hottest issues by their hot index.
(function () {
  var data = document.getElementById("hot-data");
  var box = document.getElementById("hot-chart");
  if (!data || !box || typeof echarts === "undefined") return;
  var rows = JSON.parse(data.textContent);
  echarts.init(box).setOption({
    grid: {left: 180, right: 24, top: 8, bottom: 24},
    xAxis: {type: "value"},
    yAxis: {type: "category", inverse: true, data: rows.map(function (r) { return r[0]; })},
    series: [{type: "bar", data: rows.map(function (r) { return r[1]; })}],
    animation: false
  });
})();
