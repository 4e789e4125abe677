// Charts of the proposal statistics page. Data comes from the page's json_script block; the tables beside each
// chart carry the same numbers for readers without JavaScript or sight.
(function () {
  "use strict";

  function bar(holder, data) {
    const chart = echarts.init(holder, null, { renderer: "canvas" });
    const series = [{ name: data.series ? data.series[0] : data.title, type: "bar", data: data.values, itemStyle: { color: "#9b1b1f" } }];
    if (data.on_time) series.push({ name: data.series[1], type: "bar", data: data.on_time, itemStyle: { color: "#1a6b3a" } });
    chart.setOption({
      animation: false,
      tooltip: { show: false },
      legend: { show: Boolean(data.series), top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
    return chart;
  }

  function pie(holder, data) {
    const chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { show: false },
      legend: { bottom: 0 },
      color: ["#9b1b1f", "#0b62a4", "#8a6500", "#22774c", "#4d4d4d"],
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { formatter: "{b}\n{c}" },
        data: data.labels.map((label, i) => ({ name: label, value: data.values[i] })),
      }],
    });
    return chart;
  }

  function draw() {
    const source = document.getElementById("stats-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((holder) => {
      const key = holder.getAttribute("data-chart");
      if (!data[key]) return;
      charts.push(holder.getAttribute("data-kind") === "pie" ? pie(holder, data[key]) : bar(holder, data[key]));
      holder.setAttribute("data-rendered", "1");
    });
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
