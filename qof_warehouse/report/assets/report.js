// Draws the report's charts: each `.chart[data-figure]` from its JSON block, and each
// drop-down's chart from the figure of the chosen option.
(function () {
  "use strict";
  var CONFIG = { displaylogo: false, responsive: true };

  function figureData(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function draw(element, figure) {
    Plotly.react(element, figure.data, figure.layout, CONFIG);
  }

  function start() {
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      draw(element, figureData(element.dataset.figure));
    });
    document.querySelectorAll("select[data-choices]").forEach(function (select) {
      var choices = figureData(select.dataset.choices);
      var target = document.getElementById(select.dataset.target);
      function show() {
        draw(target, choices[select.value]);
      }
      select.addEventListener("change", show);
      show();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
