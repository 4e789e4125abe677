// The opinion map's scatter chart. Data comes from the page's json_script block (the CSP forbids inline scripts).
(function () {
  "use strict";
  // Same colours as .group-N in deliberation.css, chosen to stay distinct for common colour-vision deficiencies.
  const COLOURS = ["#0b62a4", "#b34f00", "#22774c", "#9b3c9b", "#8a6500", "#4d4d4d", "#00707a", "#c2185b"];

  function draw() {
    const holder = document.getElementById("opinion-chart");
    const source = document.getElementById("map-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const series = data.groups.map((group) => ({
      name: group.label + " (" + group.size + ")",
      type: "scatter",
      symbolSize: 9,
      itemStyle: { color: COLOURS[group.id % COLOURS.length], opacity: 0.75 },
      data: data.points.filter((p) => p[2] === group.id).map((p) => [p[0], p[1]]),
    }));
    const chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      // ECharts tooltips are HTML with style attributes, which the Content-Security-Policy blocks; the page lists
      // the groups and their statements in text instead.
      tooltip: { show: false },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: false },
      xAxis: { type: "value", show: false, scale: true },
      yAxis: { type: "value", show: false, scale: true },
      series: series,
    });
    holder.setAttribute("data-rendered", String(data.points.length));
    window.addEventListener("resize", () => chart.resize());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
