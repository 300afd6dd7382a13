// The Loopbaangesprek page's script (werkex, issue 12): turns the form into the JSON body of
// POST /v1/staff/pupils/{id}/conversation (checkbox groups as lists, one quality or motive per
// line) and posts it through window.WerkexStaff.postJson (CSRF token, same origin).
'use strict';

(function () {
  function checked(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'),
      function (el) { return el.checked; }).map(function (el) { return el.value; });
  }

  function lines(form, name) {
    return form.elements[name].value.split('\n').map(function (s) { return s.trim(); })
      .filter(function (s) { return s; });
  }

  function bodyOf(form) {
    var step = { description: form.elements.description.value.trim() };
    if (form.elements.action.value) step.action = form.elements.action.value;
    step.direction = checked(form, 'direction');
    step.feasible = form.elements.feasible.checked;
    step.challenging = form.elements.challenging.checked;
    return {
      experiences: checked(form, 'experiences'),
      with_whom: checked(form, 'with_whom'),
      qualities: lines(form, 'qualities'),
      motives: lines(form, 'motives'),
      conversation_rules: checked(form, 'conversation_rules'),
      competencies: checked(form, 'competencies'),
      summary: form.elements.summary.value.trim(),
      red_thread: form.elements.red_thread.value.trim(),
      next_step: step
    };
  }

  function start() {
    var form = document.getElementById('wx-conversation-form');
    if (!form) return;
    var out = document.getElementById('wx-conversation-result');
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var button = form.querySelector('button');
      button.disabled = true;
      var url = '/v1/staff/pupils/' + encodeURIComponent(form.dataset.pupil) + '/conversation';
      var r;
      try {
        r = await window.WerkexStaff.postJson(url, bodyOf(form));
      } catch (e) {
        r = { status: 0, data: null };
      }
      button.disabled = false;
      if (r.status === 200) {
        out.className = 'wx-status';
        out.textContent = 'Vastgelegd. De leerling ziet het na de volgende synchronisatie.';
        form.reset();
      } else {
        out.className = 'wx-error';
        out.textContent = window.WerkexStaff.message(r);
      }
      out.hidden = false;
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
