// Dashboard charts. The numbers come from <script type="application/json"> blocks written by
// Django's json_script (never executed, so the Content-Security-Policy allows them); every
// chart's numbers are also in a table on the page, so nothing is lost without JavaScript.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var WOMEN = "#0b4f6c";
  var MEN = "#d9822b";
  var LINE = "#1b6e3a";
  var BAR = "#4b8fb0";

  Chart.defaults.animation = false; // weak connections and old phones; printing too
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#33404d";
  Chart.defaults.maintainAspectRatio = false;
  // Tick and tooltip numbers in the page's language (2 884 in Russian and Tajik).
  Chart.defaults.locale = document.documentElement.lang || "en";

  function read(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  var integerTicks = { precision: 0 };

  // On a phone a long category name would be cut at the chart's left edge: shorten it with an
  // ellipsis (the tooltip and the table next to the chart keep the full name).
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = this.chart.width < 576 ? 16 : 40;
    return label.length > room ? label.slice(0, room - 1) + "\u2026" : label;
  }

  var builders = {
    years: function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            {
              type: "bar",
              label: data.datasets[0].label,
              data: data.datasets[0].data,
              backgroundColor: BAR,
              order: 2,
            },
            {
              type: "line",
              label: data.datasets[1].label,
              data: data.datasets[1].data,
              borderColor: LINE,
              backgroundColor: LINE,
              pointRadius: 3,
              tension: 0.2,
              order: 1,
            },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: integerTicks } } },
      };
    },
    members: function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.datasets[0].label, data: data.datasets[0].data, backgroundColor: WOMEN },
            { label: data.datasets[1].label, data: data.datasets[1].data, backgroundColor: MEN },
          ],
        },
        options: {
          indexAxis: "y",
          scales: {
            x: { stacked: true, beginAtZero: true, ticks: integerTicks },
            y: { stacked: true, ticks: { callback: shortLabel } },
          },
        },
      };
    },
    activities: function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.datasets[0].label, data: data.datasets[0].data, backgroundColor: BAR },
          ],
        },
        options: {
          indexAxis: "y",
          plugins: { legend: { display: false } },
          scales: {
            x: { beginAtZero: true, ticks: integerTicks },
            y: { ticks: { callback: shortLabel } },
          },
        },
      };
    },
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = read(canvas.dataset.source);
    var build = builders[canvas.dataset.chart];
    if (!data || !build || !data.labels.length) {
      canvas.parentElement.hidden = true;
      return;
    }
    if (canvas.parentElement.classList.contains("chart-box-rows")) {
      // One bar per row: the chart grows with the rows instead of squeezing them.
      canvas.parentElement.style.height = 70 + 26 * data.labels.length + "px";
    }
    new Chart(canvas, build(data));
  });

  // Charts follow the page width; the printed page is narrower than the screen.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) {
      chart.resize();
    });
  });
})();
