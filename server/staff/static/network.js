// The Netwerk pages' script (werkex, issue 12, counsellor): the company form (add, or edit
// after "Wijzigen"), the placement form, "Eerder beëindigen" per placement, and on
// /netwerk/codes/{placement} issuing the sign-off codes and printing them. Every write is a
// JSON POST through window.WerkexStaff.postJson (CSRF token, same origin); after a write the
// page reloads so what it shows is what the server stored.
'use strict';

(function () {
  // staff.js defines it; it runs after this file (both deferred), before any event fires.
  function staff() { return window.WerkexStaff; }

  function show(el, text, ok) {
    if (!el) return;
    el.textContent = text;
    el.className = ok ? 'wx-status' : 'wx-error';
    el.hidden = !text;
  }

  // The form's named fields that have a value, as a JSON body.
  function bodyOf(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'id' || el.type === 'submit') return;
      var v = (el.value || '').trim();
      if (v) body[el.name] = v;
    });
    return body;
  }

  async function send(url, body, out, button) {
    if (button) button.disabled = true;
    var r;
    try {
      r = await staff().postJson(url, body);
    } catch (e) {
      r = { status: 0, data: null };
    }
    if (button) button.disabled = false;
    if (r.status !== 200) {
      var detail = r.data && r.data.error ? r.data.error.message : '';
      show(out, r.status === 404 || r.status === 409 ? 'Niet gelukt: ' + detail : staff().message(r), false);
      return null;
    }
    return r.data;
  }

  function companyForm() {
    var form = document.getElementById('wx-company-form');
    if (!form) return;
    var out = document.getElementById('wx-company-result');
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var id = document.getElementById('wx-company-id').value;
      var url = id ? '/v1/staff/companies/' + encodeURIComponent(id) : '/v1/staff/companies';
      var data = await send(url, bodyOf(form), out, form.querySelector('button'));
      if (data) {
        show(out, 'Opgeslagen.', true);
        window.location.reload();
      }
    });
    document.querySelectorAll('.wx-edit-company').forEach(function (b) {
      b.addEventListener('click', function () {
        document.getElementById('wx-company-id').value = b.dataset.id;
        document.getElementById('wx-company-name').value = b.dataset.name || '';
        document.getElementById('wx-company-sector').value = b.dataset.sector || '';
        document.getElementById('wx-company-size').value = b.dataset.size || '';
        document.getElementById('wx-company-heading').textContent = 'Bedrijf wijzigen: ' + b.dataset.name;
        form.scrollIntoView();
      });
    });
  }

  function placementForm() {
    var form = document.getElementById('wx-placement-form');
    if (!form) return;
    var out = document.getElementById('wx-placement-result');
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var data = await send('/v1/staff/placements', bodyOf(form), out, form.querySelector('button'));
      if (data) {
        show(out, 'Plaatsing opgeslagen.', true);
        window.location.reload();
      }
    });
  }

  function endForms() {
    var out = document.getElementById('wx-end-result');
    document.querySelectorAll('.wx-end-form').forEach(function (form) {
      form.addEventListener('submit', async function (ev) {
        ev.preventDefault();
        var url = '/v1/staff/placements/' + encodeURIComponent(form.dataset.placement) + '/end';
        var data = await send(url, bodyOf(form), out, form.querySelector('button'));
        if (data) window.location.reload();
      });
    });
  }

  function codes() {
    var card = document.getElementById('wx-codes-card');
    if (!card) return;
    var out = document.getElementById('wx-codes-result');
    var list = document.getElementById('wx-codes');
    var print = document.getElementById('wx-codes-print');
    var issue = document.getElementById('wx-codes-issue');
    issue.addEventListener('click', async function () {
      var url = '/v1/staff/placements/' + encodeURIComponent(card.dataset.placement) + '/codes';
      var data = await send(url, {}, out, issue);
      if (!data) return;
      list.textContent = '';
      data.codes.forEach(function (c) {
        var li = document.createElement('li');
        li.textContent = c.slice(0, 4) + ' ' + c.slice(4);
        list.appendChild(li);
      });
      show(out, data.renewed ? 'Nieuwe codes: de oude werken niet meer.' : 'Codes uitgegeven.', true);
      issue.textContent = 'Codes vernieuwen';
      print.hidden = false;
    });
    print.addEventListener('click', function () { window.print(); });
  }

  function start() {
    companyForm();
    placementForm();
    endForms();
    codes();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
