// Draws each process flow (web/process_diagram.py's data in data-flow) with ECharts, served by
// Jindu (echarts.min.js, Apache-2.0). No inline script: the workspace's CSP is script-src 'self'.
(function () {
  "use strict";
  var COLORS = { done: "#16a34a", current: "#f59e0b", visited: "#64748b", todo: "#cbd5e1" };
  function draw(el) {
    var flow = JSON.parse(el.getAttribute("data-flow"));
    var index = {};
    flow.nodes.forEach(function (n, i) { index[n.id] = i; });
    var nodes = flow.nodes.map(function (n) {
      var shape = n.type === "condition" ? "diamond" : (n.type === "start" || n.type === "end") ? "circle" : "roundRect";
      var label = n.name + (n.who && n.who.length ? "\n" + n.who.join("\n") : "");
      return {
        id: n.id, name: label, x: n.x, y: n.y, symbol: shape,
        symbolSize: shape === "roundRect" ? [170, 44] : shape === "diamond" ? [120, 54] : 36,
        itemStyle: { color: COLORS[n.state] || COLORS.todo, borderColor: n.state === "current" ? "#b45309" : "#94a3b8",
                     borderWidth: n.state === "current" ? 3 : 1 },
        label: { show: true, position: shape === "circle" ? "right" : "inside", color: n.state === "todo" ? "#334155" : "#fff",
                 fontSize: 12 },
        state: n.state
      };
    });
    var links = flow.links.filter(function (l) { return l.target in index; }).map(function (l) {
      var skip = Math.abs(index[l.target] - index[l.source]) > 1;
      return { source: l.source, target: l.target, label: { show: !!l.label, formatter: l.label },
               lineStyle: { curveness: skip ? 0.5 : 0, color: "#94a3b8", width: 1.5 } };
    });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      series: [{ type: "graph", layout: "none", data: nodes, links: links, roam: true,
                 edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8 }]
    });
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function all() {
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".process-flow[data-flow]"), draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
