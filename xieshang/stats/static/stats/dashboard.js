// 数据驾驶舱: draws the charts from the page's json_script block, sends a click on a bar to the records it counts,
// refreshes the figures every minute without reloading, and shows the board full screen for a meeting room.
(function () {
  "use strict";
  const RED = "#9b1b1f";
  const REFRESH_MS = 60000;
  const charts = [];

  function lineChart(holder, trend) {
    const chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trend.months },
      yAxis: { type: "value", minInterval: 1 },
      series: trend.series.map((s) => ({ name: s.label, type: "line", data: s.values })),
    });
    return chart;
  }

  function barChart(holder, b) {
    const chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: b.labels, axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ type: "bar", itemStyle: { color: RED }, data: b.values.map((v, i) => ({ value: v, url: b.urls[i] })) }],
    });
    chart.on("click", (params) => { if (params.data && params.data.url) window.location.href = params.data.url; });
    return chart;
  }

  function draw(data) {
    charts.splice(0).forEach((c) => c.dispose());
    document.querySelectorAll("#dashboard [data-chart]").forEach((holder) => {
      const kind = holder.getAttribute("data-chart");
      const chart = kind === "trend" ? lineChart(holder, data.trend)
        : barChart(holder, data.breakdowns[Number(holder.getAttribute("data-index"))]);
      holder.setAttribute("data-rendered", "1");
      charts.push(chart);
    });
  }

  function update(data) {
    const cells = data.headline.concat(data.funnel, data.plan);
    cells.forEach((cell) => {
      document.querySelectorAll(`#dashboard [data-figure="${cell.key}"]`).forEach((link) => {
        const number = link.querySelector(".n") || link.querySelector("strong");
        if (number) number.textContent = cell.value;
      });
    });
    draw(data);
  }

  function start() {
    const board = document.getElementById("dashboard");
    const source = document.getElementById("dashboard-data");
    if (!board || !source || typeof echarts === "undefined") return;
    draw(JSON.parse(source.textContent));
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    const button = board.querySelector('[data-action="fullscreen"]');
    if (button && board.requestFullscreen) button.addEventListener("click", () => board.requestFullscreen());
    window.setInterval(() => {
      if (document.hidden) return;
      fetch(board.getAttribute("data-source"), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((data) => { if (data) update(data); })
        .catch(() => {});
    }, REFRESH_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
