// A funds chart (funds/_chart.html): planned and disbursed per year, in 万元. A file rather than an inline script so
// the markup around it carries no per-request nonce (a list's body is kept with the data's version); its words
// come translated in the box's data attributes, its series in the json_script the box names.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  document.querySelectorAll(".chart[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source || echarts.getInstanceByDom(box)) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(box);
    chart.setOption({
      tooltip: {trigger: "axis", renderMode: "richText"},
      legend: {data: [box.dataset.planned, box.dataset.disbursed]},
      xAxis: {type: "category", data: data.years},
      yAxis: {type: "value", name: box.dataset.unit},
      series: [
        {name: box.dataset.planned, type: "bar", data: data.planned, itemStyle: {color: "#a61b1b"}},
        {name: box.dataset.disbursed, type: "bar", data: data.disbursed, itemStyle: {color: "#2e7d32"}}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
