// Draws each chart of the page (web/charts.py's data in data-chart) with ECharts, served by
// Jindu (echarts.min.js, Apache-2.0). No inline script: the workspace's CSP is script-src 'self'.
// The same figures are in the table beside each chart (templates/_charts.html).
(function () {
  "use strict";
  var PALETTE = ["#1b5fa6", "#b42318", "#b54708", "#067647", "#6941c6"];
  var TEXT = { color: "#1f2933", fontSize: 13 };
  var DAY = 86400000;

  function small() { return window.innerWidth < 600; }

  function lines(spec) {
    return {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: TEXT },
      grid: { left: 8, right: 16, top: small() ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: TEXT },
      yAxis: { type: "value", minInterval: 1, axisLabel: TEXT },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, symbolSize: 7, lineStyle: { width: 3 },
                 label: { show: false } };
      })
    };
  }

  function bars(spec) {
    var unit = spec.unit || "";
    return {
      color: PALETTE, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: spec.series.length > 1 ? { top: 0, textStyle: TEXT } : undefined,
      grid: { left: 8, right: 48, top: spec.series.length > 1 ? (small() ? 56 : 32) : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: spec.max || null, axisLabel: { color: TEXT.color, fontSize: 12,
               formatter: function (v) { return v + unit; } } },
      yAxis: { type: "category", inverse: true, data: spec.categories,
               axisLabel: { color: TEXT.color, fontSize: 13, width: small() ? 96 : 180, overflow: "truncate" } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 22,
                 label: { show: true, position: "right", color: TEXT.color, fontSize: 12,
                          formatter: function (p) { return p.value === null || p.value === undefined ? "—" : p.value + unit; } } };
      })
    };
  }

  function funnel(spec) {
    var data = spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; });
    return {
      color: ["#1b5fa6"], tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{ type: "funnel", sort: "none", left: "5%", width: "90%", top: 8, bottom: 8, gap: 2, minSize: "8%",
                 label: { show: true, position: "inside", color: "#fff", fontSize: 13, formatter: "{b} {c}" },
                 itemStyle: { borderColor: "#fff", borderWidth: 1 },
                 data: data.map(function (d, i) {
                   return { name: d.name, value: d.value, itemStyle: { color: i % 2 ? "#1b5fa6" : "#174f8a" } };
                 }) }]
    };
  }

  function gantt(spec) {
    var rows = spec.rows, labels = spec.labels;
    var t0 = Math.min.apply(null, rows.map(function (r) { return Date.parse(r.planned[0]); }));
    function off(d) { return (Date.parse(d) - t0) / DAY; }
    function span(range) { return range ? Math.max(off(range[1]) - off(range[0]), 0.5) : null; }
    function day(v) { return new Date(t0 + v * DAY).toISOString().slice(5, 10); }
    var names = rows.map(function (r) { return r.name; });
    var base = { type: "bar", stack: "", itemStyle: { color: "transparent" }, emphasis: { disabled: true },
                 tooltip: { show: false }, silent: true };
    return {
      tooltip: { trigger: "item", formatter: function (p) {
        var r = rows[p.dataIndex], range = p.seriesName === labels.planned ? r.planned : r.actual;
        return r.name + " · " + p.seriesName + ": " + range[0] + " → " + range[1];
      } },
      legend: { top: 0, textStyle: TEXT, data: [labels.planned, labels.actual] },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, axisLabel: { color: TEXT.color, fontSize: 12, formatter: day } },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: TEXT },
      series: [
        Object.assign({}, base, { name: "p0", stack: "planned", data: rows.map(function (r) { return off(r.planned[0]); }) }),
        { name: labels.planned, type: "bar", stack: "planned", barWidth: 10, itemStyle: { color: "#9fb8d6" },
          data: rows.map(function (r) { return span(r.planned); }) },
        Object.assign({}, base, { name: "a0", stack: "actual", data: rows.map(function (r) { return r.actual ? off(r.actual[0]) : null; }) }),
        { name: labels.actual, type: "bar", stack: "actual", barWidth: 10,
          data: rows.map(function (r) {
            return { value: span(r.actual), itemStyle: { color: r.late ? "#b42318" : r.done ? "#067647" : "#b54708" } };
          }) }
      ]
    };
  }

  var KINDS = { lines: lines, bars: bars, funnel: funnel, gantt: gantt };

  function height(spec) {
    var n = spec.categories ? spec.categories.length : spec.rows.length;
    if (spec.type === "lines") { return 300; }
    if (spec.type === "funnel") { return Math.max(260, n * 34); }
    var per = spec.series ? spec.series.length * 16 + 16 : 30;
    return Math.max(120, n * per + 60);
  }

  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var make = KINDS[spec.type];
    if (!make) { return; }
    el.style.height = height(spec) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "inherit" } }, make(spec)));
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function all() {
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".echart[data-chart]"), draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
