// The Leerling page's behaviour (werkex, issue 12): the comment form posts
// {entry, text} to /v1/staff/pupils/{id}/comments through WerkexStaff.postJson (same origin,
// CSRF token) and, once written, reloads the page so the comment shows in the timeline.
'use strict';

(function () {
  function start() {
    var form = document.getElementById('wx-comment-form');
    if (!form) return;  // WerkexStaff (staff.js, run after this file) is looked up on submit
    var out = document.getElementById('wx-comment-result');
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var button = form.querySelector('button');
      var text = document.getElementById('wx-comment-text').value;
      out.hidden = true;
      if (!text.trim()) {
        out.className = 'wx-error';
        out.textContent = 'Schrijf eerst een opmerking.';
        out.hidden = false;
        return;
      }
      button.disabled = true;
      var r;
      try {
        r = await window.WerkexStaff.postJson(
          '/v1/staff/pupils/' + encodeURIComponent(form.getAttribute('data-pupil')) + '/comments',
          { entry: document.getElementById('wx-comment-entry').value, text: text });
      } catch (e) {
        r = { status: 0, data: null };
      }
      button.disabled = false;
      if (r.status === 200) {
        out.className = 'wx-status';
        out.textContent = 'Opmerking geplaatst. De leerling ziet die na het synchroniseren.';
        out.hidden = false;
        document.getElementById('wx-comment-text').value = '';
        window.location.reload();
      } else {
        out.className = 'wx-error';
        out.textContent = window.WerkexStaff.message(r);
        out.hidden = false;
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
