// A target's monthly values drawn with ECharts (indicators/_target_figures.html): the data come
// from the page's <script type="application/json" id="trend-data"> (json_script), so that no
// script is written into the page (Content-Security-Policy, core.middleware).
(() => {
  "use strict";
  const source = document.getElementById("trend-data");
  const target = document.getElementById("trend");
  if (!source || !target || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const chart = window.echarts.init(target);
  const fmt = (v) => v == null ? "—" : v.toLocaleString("vi-VN", {maximumFractionDigits: 2}) + "%";
  const series = [{name: "Giá trị trong tháng", type: "line", data: data.values, smooth: false, connectNulls: false}];
  if (data.threshold !== null) {
    series.push({name: "Ngưỡng", type: "line", data: data.months.map(() => data.threshold), lineStyle: {type: "dashed"}, symbol: "none"});
  }
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: fmt},
    legend: {bottom: 0},
    grid: {left: 48, right: 16, top: 16, bottom: 48},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value", min: 0, axisLabel: {formatter: (v) => v + "%"}},
    series: series,
  });
  window.addEventListener("resize", () => chart.resize());
})();
