// 数据驾驶舱: draws the panels from the page's json_script block (the organization's layout, built on the server),
// sends a click on a bar, a month's point or a district's tile to the records it counts, refreshes the figures every
// minute without reloading, and shows the board full screen for a meeting room.
(function () {
  "use strict";
  const RED = "#9b1b1f";
  const REFRESH_MS = 60000;
  const charts = [];

  function large() {
    // Care mode (larger type) and full screen both want bigger labels on the charts.
    return document.body.classList.contains("care") || document.fullscreenElement ? 16 : 12;
  }

  function follow(chart) {
    chart.on("click", (params) => {
      const url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    return chart;
  }

  function lineChart(holder, panel) {
    const chart = echarts.init(holder);
    const size = large();
    chart.setOption({
      animation: false,
      textStyle: { fontSize: size },
      legend: { top: 0, textStyle: { fontSize: size } },
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: panel.months, axisLabel: { fontSize: size } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: size } },
      series: panel.series.map((s) => ({
        name: s.label,
        type: "line",
        symbolSize: 10,
        data: s.values.map((v, i) => ({ value: v, url: s.urls[i] })),
      })),
    });
    return follow(chart);
  }

  function barChart(holder, panel) {
    const chart = echarts.init(holder);
    const size = large();
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: size } },
      yAxis: {
        type: "category", inverse: true, data: panel.labels,
        axisLabel: { width: holder.clientWidth < 360 ? 90 : 140, overflow: "truncate", fontSize: size },
      },
      series: [{
        type: "bar", itemStyle: { color: RED },
        data: panel.values.map((v, i) => ({ value: v, url: panel.urls[i] })),
      }],
    });
    return follow(chart);
  }

  // The districts as a tile map (a grid of equal squares, each where the organization placed it): an honest
  // stand-in for a boundary map, which needs geometry the platform does not have; the colour is the count.
  function tileMap(holder, panel) {
    const chart = echarts.init(holder);
    const tiles = panel.tiles;
    const rows = Math.max(1, ...tiles.map((t) => t.row + 1));
    const cols = Math.max(1, ...tiles.map((t) => t.col + 1));
    const top = Math.max(0, ...tiles.map((t) => t.value));
    const size = large();
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => `${p.data.name}: ${p.data.value[2]}` },
      grid: { left: 4, right: 4, top: 4, bottom: 36 },
      xAxis: { type: "category", data: [...Array(cols).keys()], show: false },
      yAxis: { type: "category", data: [...Array(rows).keys()], inverse: true, show: false },
      visualMap: {
        min: 0, max: top || 1, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        itemHeight: 120, textStyle: { fontSize: size }, inRange: { color: ["#f6e7e4", RED] },
      },
      series: [{
        type: "heatmap",
        label: {
          show: true, fontSize: size,
          formatter: (p) => `${p.data.name}\n${p.data.value[2]}`,
          color: "#1d1d1d", textBorderColor: "#fff", textBorderWidth: 2,
        },
        itemStyle: { borderColor: "#fff", borderWidth: 3 },
        data: tiles.map((t) => ({ name: t.name, value: [t.col, t.row, t.value], url: t.url })),
      }],
    });
    holder.style.height = `${Math.max(180, rows * (holder.clientWidth < 360 ? 64 : 80) + 40)}px`;
    chart.resize();
    return follow(chart);
  }

  const DRAW = { trend: lineChart, breakdown: barChart, map: tileMap };

  function draw(data) {
    charts.splice(0).forEach((c) => c.dispose());
    document.querySelectorAll("#dashboard [data-chart]").forEach((holder) => {
      const panel = data.panels.find((p) => p.index === Number(holder.getAttribute("data-index")));
      const make = DRAW[holder.getAttribute("data-chart")];
      if (!panel || !make) return;
      charts.push(make(holder, panel));
      holder.setAttribute("data-rendered", "1");
    });
  }

  function update(data) {
    data.panels.filter((p) => p.cells).forEach((panel) => panel.cells.forEach((cell) => {
      document.querySelectorAll(`#dashboard [data-figure="${cell.key}"]`).forEach((link) => {
        const number = link.querySelector(".n") || link.querySelector("strong");
        if (number) number.textContent = cell.value;
      });
    }));
    draw(data);
  }

  function start() {
    const board = document.getElementById("dashboard");
    const source = document.getElementById("dashboard-data");
    if (!board || !source || typeof echarts === "undefined") return;
    let data = JSON.parse(source.textContent);
    draw(data);
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    document.addEventListener("fullscreenchange", () => draw(data));
    const button = board.querySelector('[data-action="fullscreen"]');
    if (button && board.requestFullscreen) button.addEventListener("click", () => board.requestFullscreen());
    window.setInterval(() => {
      if (document.hidden) return;
      fetch(board.getAttribute("data-source"), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((fresh) => { if (fresh) { data = fresh; update(fresh); } })
        .catch(() => {});
    }, REFRESH_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
