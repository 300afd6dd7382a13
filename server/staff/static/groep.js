// The Groep page's behaviour (werkex, issue 12): sorting the pupils' table by a column
// (click its heading; again for the other direction), filtering it by text and by "stil"
// (no activity for N weeks), and the three charts drawn with Chart.js from the figures the
// server put in #wx-chart-data's data-charts. The table works without this script.
'use strict';

(function () {
  function rows(table) { return Array.from(table.tBodies[0].rows); }

  function sortBy(table, th, kind) {
    var index = Array.from(th.parentNode.children).indexOf(th);
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.from(th.parentNode.children).forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var key = function (row) {
      var v = row.cells[index].getAttribute('data-value') || row.cells[index].textContent;
      return kind === 'num' ? Number(v) : v.toLocaleLowerCase('nl');
    };
    var sorted = rows(table).sort(function (a, b) {
      var x = key(a), y = key(b);
      var c = kind === 'num' ? x - y : x.localeCompare(y, 'nl');
      return ascending ? c : -c;
    });
    sorted.forEach(function (r) { table.tBodies[0].appendChild(r); });
  }

  function filter(table) {
    var text = document.getElementById('wx-group-filter').value.trim().toLocaleLowerCase('nl');
    var onlyInactive = document.getElementById('wx-only-inactive').checked;
    var shown = 0;
    rows(table).forEach(function (r) {
      var ok = (!text || r.textContent.toLocaleLowerCase('nl').indexOf(text) >= 0) &&
        (!onlyInactive || r.getAttribute('data-inactive') === 'ja');
      r.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById('wx-group-count').textContent =
      shown + ' van ' + rows(table).length + ' leerlingen';
  }

  function chart(id, type, labels, sets, options) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    return new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: sets },
      options: Object.assign({ responsive: true, maintainAspectRatio: true, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }, options || {})
    });
  }

  function charts() {
    var holder = document.getElementById('wx-chart-data');
    if (!holder || !window.Chart) return;
    var data = JSON.parse(holder.getAttribute('data-charts'));
    chart('wx-chart-competencies', 'bar',
      data.competencies.map(function (c) { return c.label; }),
      [{ label: 'leerlingen', data: data.competencies.map(function (c) { return c.pupils; }),
        backgroundColor: '#0b6e4f' }], { indexAxis: 'y', scales: { x: { beginAtZero: true,
        ticks: { precision: 0 } } } });
    chart('wx-chart-cycles', 'bar',
      data.cycle_completion.map(function (c) { return c.name; }),
      [{ label: 'activiteiten', data: data.cycle_completion.map(function (c) { return c.activities; }),
        backgroundColor: '#9fb8ad' },
       { label: 'rond', data: data.cycle_completion.map(function (c) { return c.complete; }),
        backgroundColor: '#0b6e4f' }]);
    chart('wx-chart-months', 'line',
      data.activity_per_month.map(function (m) { return m.label; }),
      [{ label: 'activiteiten', data: data.activity_per_month.map(function (m) { return m.activities; }),
        borderColor: '#0b6e4f', backgroundColor: '#0b6e4f' }]);
  }

  function start() {
    var table = document.getElementById('wx-group-table');
    if (table) {
      table.querySelectorAll('th[data-sort] button').forEach(function (b) {
        var th = b.parentNode;
        b.addEventListener('click', function () { sortBy(table, th, th.getAttribute('data-sort')); });
      });
      ['input', 'change'].forEach(function (ev) {
        document.getElementById('wx-group-filter').addEventListener(ev, function () { filter(table); });
        document.getElementById('wx-only-inactive').addEventListener(ev, function () { filter(table); });
      });
      filter(table);
    }
    var picker = document.getElementById('wx-group-picker');
    if (picker) picker.addEventListener('change', function () { picker.form.submit(); });
    charts();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
