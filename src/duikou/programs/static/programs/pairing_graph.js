// The pairing graph of a program page: supporting units on the left, supported units on the right, one row per
// unit, colour and legend by level. Positions come from the server (programs.views.pairing_graph); the chart grows
// with the number of rows so labels never overlap, and every label is cut to its column so nothing is clipped.
// Names come from imported documents: labels and tooltips are plain text on the canvas, never HTML.
(function () {
  "use strict";
  var box = document.getElementById("pairing-graph");
  var source = document.getElementById("pairing-graph-data");
  if (!box || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var ROW = 26;
  box.style.height = Math.max(240, data.rows * ROW + 90) + "px";
  var chart = echarts.init(box);
  var palette = ["#a61b1b", "#1c4f9c", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#c2185b", "#455a64", "#827717"];

  function draw() {
    var width = box.clientWidth;
    // Each column's labels get the space between the node and the edge of the box.
    var labelWidth = Math.max(60, Math.floor(width * 0.36) - 16);
    chart.setOption({
      color: palette,
      tooltip: {
        renderMode: "richText",
        formatter: function (p) { return p.dataType === "edge" ? String(p.data.value) : String(p.data.name); }
      },
      legend: [{ data: data.categories.map(function (c) { return c.name; }), top: 4, type: "scroll" }],
      title: [
        { text: data.sides[0], left: "4%", top: 30, textStyle: { fontSize: 12, color: "#666" } },
        { text: data.sides[1], right: "4%", top: 30, textStyle: { fontSize: 12, color: "#666" } }
      ],
      series: [{
        type: "graph", layout: "none", roam: false, draggable: false,
        left: "38%", right: "38%", top: 64, bottom: 16,
        categories: data.categories,
        data: data.nodes.map(function (n) {
          return Object.assign({}, n, {
            label: {
              show: true, position: n.side === 0 ? "left" : "right", fontSize: 12,
              width: labelWidth, overflow: "truncate", formatter: function () { return n.label; }
            }
          });
        }),
        links: data.links,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
        lineStyle: { opacity: 0.6, curveness: 0.15, color: "source" },
        emphasis: { focus: "adjacency" }
      }]
    });
  }
  draw();
  window.addEventListener("resize", function () { chart.resize(); draw(); });
})();
