// The staff dashboard's shared script (werkex, issue 12): the sign-in forms, the password
// form, and window.WerkexStaff for the pages' own scripts: csrf() (the session's token from
// <meta name="csrf">), postJson(url, body) (same-origin, JSON, with X-CSRF-Token) and
// message(response) (a Dutch sentence for an error answer). No inline script anywhere: the
// CSP allows only files from this server.
'use strict';

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf"]');
    return meta ? meta.getAttribute('content') : '';
  }

  async function postJson(url, body) {
    var headers = { 'Content-Type': 'application/json' };
    var token = csrf();
    if (token) headers['X-CSRF-Token'] = token;
    var res = await fetch(url, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(body),
      credentials: 'same-origin'
    });
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    return { status: res.status, data: data, retryAfter: res.headers.get('Retry-After') };
  }

  function serverMessage(r) {
    return r.data && r.data.error && r.data.error.message ? r.data.error.message : '';
  }

  function message(r) {
    if (r.status === 0) return 'De server is niet bereikbaar. Controleer de verbinding.';
    if (r.status === 429) {
      return 'Te veel pogingen. Probeer het over ' + (r.retryAfter || 'enkele') +
        ' seconden opnieuw.';
    }
    if (r.status === 401) return 'Niet gelukt: de code of het wachtwoord klopt niet, of de code is al gebruikt of verlopen.';
    if (r.status === 403) return serverMessage(r) || 'Je hebt hier geen toegang toe.';
    if (r.status === 400 || r.status === 413) return 'Controleer wat je invulde. ' + serverMessage(r);
    return 'Er ging iets mis (' + r.status + '). Probeer het later opnieuw.';
  }

  function show(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }

  function handle(form, url, bodyOf, onOk, out) {
    if (!form) return;
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var button = form.querySelector('button');
      button.disabled = true;
      show(out, '');
      var r;
      try {
        r = await postJson(url, bodyOf());
      } catch (e) {
        r = { status: 0, data: null };
      }
      button.disabled = false;
      if (r.status === 200) {
        onOk(r.data);
      } else {
        out.className = 'wx-error';
        show(out, message(r));
      }
    });
  }

  function value(id) { return document.getElementById(id).value; }

  function start() {
    var error = document.getElementById('wx-signin-error');
    var go = function (data) { window.location.assign(data.start || '/'); };
    handle(document.getElementById('wx-signin-code'), '/v1/staff/session',
      function () { return { code: value('wx-code').trim() }; }, go, error);
    handle(document.getElementById('wx-signin-password'), '/v1/staff/session',
      function () { return { login: value('wx-login').trim(), password: value('wx-password') }; },
      go, error);
    var result = document.getElementById('wx-password-result');
    handle(document.getElementById('wx-password-form'), '/v1/staff/password',
      function () { return { password: value('wx-new-password') }; },
      function () {
        result.className = 'wx-status';
        show(result, 'Je wachtwoord is ingesteld.');
      }, result);
  }

  window.WerkexStaff = { csrf: csrf, postJson: postJson, message: message };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
