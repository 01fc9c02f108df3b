// Draws the dashboard charts from the JSON the server rendered (no request leaves the page).
(function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var colours = ["#9f1d20", "#1f6feb", "#2da44e", "#8fb5f0", "#8cd49c"];
  var trend = document.getElementById("trend-chart");
  if (trend) {
    var chart = echarts.init(trend);
    var series = data.series.map(function (s, i) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6,
               lineStyle: { type: s.dashed ? "dashed" : "solid", width: s.dashed ? 1 : 2 },
               itemStyle: { color: colours[i % colours.length] } };
    });
    Object.keys(data.targets).forEach(function (label, i) {
      series.push({ name: label + "目标", type: "line", data: [], markLine: { silent: true, symbol: "none",
        lineStyle: { type: "dotted", color: colours[(i + 1) % colours.length] },
        label: { formatter: label + "目标 {c}%", position: "insideEndTop" },
        data: [{ yAxis: data.targets[label] }] } });
    });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + "%"; } },
      legend: { top: 0, type: "scroll" }, grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var zero = document.getElementById("zero-chart");
  if (zero) {
    var z = echarts.init(zero);
    z.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + "%"; } },
      legend: { top: 0 }, grid: { left: 40, right: 10, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.zeros.groups },
      yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
      series: [
        { name: "零上访", type: "bar", data: data.zeros.petition, itemStyle: { color: "#9f1d20" } },
        { name: "零事故", type: "bar", data: data.zeros.accident, itemStyle: { color: "#e3a008" } },
        { name: "零案件", type: "bar", data: data.zeros.case, itemStyle: { color: "#1f6feb" } }
      ]
    });
    window.addEventListener("resize", function () { z.resize(); });
  }
})();
