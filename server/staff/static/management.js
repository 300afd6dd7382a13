// The Directie page's charts (werkex, issue 12): reads GET /v1/staff/aggregates (figures
// only, never names; groups under 5 pupils come without figures) and draws, with Chart.js,
// the share of pupils with a whole cycle per shown group and the activities per month.
'use strict';

(function () {
  function draw(data) {
    if (!window.Chart) return;  // Chart.js not installed on this server: the tables remain
    var shown = data.groups.filter(function (g) { return !g.hidden && g.figures; });
    var completion = document.getElementById('wx-chart-completion');
    if (completion && !shown.length) {
      completion.hidden = true;
      document.getElementById('wx-completion-hidden').hidden = false;
    } else if (completion) {
      new window.Chart(completion, {
        type: 'bar',
        data: {
          labels: shown.map(function (g) { return g.name; }),
          datasets: [{ label: '% leerlingen met hele cyclus',
            data: shown.map(function (g) { return g.figures.cycle_completion_pct; }),
            backgroundColor: '#0b6e4f' }]
        },
        options: { scales: { y: { min: 0, max: 100 } }, animation: false }
      });
    }
    var trend = document.getElementById('wx-chart-trend');
    if (trend && data.trend && !data.trend.hidden) {
      new window.Chart(trend, {
        type: 'line',
        data: {
          labels: data.trend.months.map(function (m) { return m.label; }),
          datasets: [{ label: 'activiteiten', borderColor: '#0b6e4f',
            data: data.trend.months.map(function (m) { return m.activities; }) }]
        },
        options: { animation: false }
      });
    } else if (trend) {
      trend.hidden = true;
      document.getElementById('wx-trend-hidden').hidden = false;
    }
  }

  async function start() {
    if (!document.getElementById('wx-chart-completion')) return;
    try {
      var res = await fetch('/v1/staff/aggregates', { credentials: 'same-origin' });
      if (res.ok) draw(await res.json());
    } catch (e) {
      // The tables show the same figures.
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
