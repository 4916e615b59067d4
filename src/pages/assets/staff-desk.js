/*
 * Staff pages — makers at the desk: an account with no email (member code and a password to
 * print), finding a maker, their trainings, and booking a machine on their behalf.
 */
/* global window */
(function () {
  'use strict';

  var F = window.Fabrique;
  var S = F.staff;
  var config = F.config;
  var d = { maker: null, credentials: null, results: [], trainings: [] };

  function appUrl() {
    return config.publicUrl.replace(/\/$/, '') + '/app/' + encodeURIComponent(config.siteId);
  }

  /* ---------- a new account ---------- */

  function renderCredentials() {
    var slot = d.credentialsSlot;
    slot.textContent = '';
    var c = d.credentials;
    if (!c) return;
    var row = function (key, value, code) {
      return F.el('div', { className: 'cred' }, [S.tx('dt', key), F.el('dd', { className: code ? 'code' : '' }, [F.el('bdi', { dir: code ? 'ltr' : null, text: value })])]);
    };
    var card = F.el('section', { className: 'credentials', 'aria-labelledby': 'cred-title', 'data-result': 'credentials' }, [
      S.tx('h3', 'staff.d.credTitle', { id: 'cred-title', tabindex: '-1' }),
      F.el('p', { className: 'site' }, [F.bdi(config.siteName)]),
      F.el('dl', {}, [
        row('staff.d.name', c.displayName),
        row('staff.d.memberCode', c.memberCode, true),
        row('staff.d.password', c.password, true),
        row('staff.d.address', appUrl(), true),
      ]),
      S.tx('p', 'staff.d.credHelp', { className: 'help' }),
      F.el('div', { className: 'buttons no-print' }, [
        S.button('staff.d.print', function () {
          window.print();
        }, 'primary', { 'data-action': 'print' }),
      ]),
      S.tx('p', 'staff.d.credOnce', { className: 'hint no-print' }),
    ]);
    slot.appendChild(card);
  }

  function createForm() {
    var name = S.input({ required: true, maxlength: 200, autocomplete: 'off' });
    var locale = S.select(config.allLanguages.map(function (l) {
      return [l, F.languageName(l), true];
    }));
    locale.value = config.languages[0];
    var form = F.el('form', { novalidate: true, className: 'grid-form', 'data-form': 'maker' }, [
      S.field('staff.d.name', name, 'staff.d.nameHint'),
      S.field('staff.d.locale', locale),
      F.el('div', { className: 'buttons wide' }, [S.button('staff.d.create', null, 'primary', { type: 'submit' })]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(form, '');
      if (!name.value.trim()) return S.formError(form, F.t('staff.d.nameNeeded'));
      S.call('POST', S.site + '/makers', { displayName: name.value.trim(), locale: locale.value }).then(function (r) {
        if (r.status !== 201 && r.status !== 200) {
          return S.formError(form, r.status === 404 && (!r.body || r.body.code === 'NOT_FOUND') ? F.t('staff.d.notReady') : S.errorText(r));
        }
        name.value = '';
        d.credentials = r.body;
        renderCredentials();
        select({ id: r.body.id, displayName: r.body.displayName, memberCode: r.body.memberCode });
        d.credentialsSlot.querySelector('h3').focus();
      });
    });
    return form;
  }

  /* ---------- finding a maker ---------- */

  function renderResults() {
    var list = d.resultList;
    list.textContent = '';
    if (d.searched && !d.results.length) list.appendChild(F.el('li', {}, [S.empty('staff.d.noResult')]));
    d.results.forEach(function (maker) {
      list.appendChild(
        F.el('li', { 'data-maker': maker.id }, [
          F.bdi(maker.displayName),
          maker.memberCode ? F.el('span', { className: 'code' }, [' · ', F.el('bdi', { dir: 'ltr', text: maker.memberCode })]) : null,
          maker.active === false ? S.tx('span', 'staff.d.inactive', { className: 'sub' }) : null,
          ' ',
          S.button('staff.d.choose', function () {
            select(maker);
            d.makerSlot.querySelector('h3').focus();
          }, 'secondary', { 'aria-label': F.t('staff.d.choose') + ' — ' + maker.displayName, 'data-action': 'choose' }),
        ]),
      );
    });
  }

  function searchForm() {
    var text = S.input({ type: 'search', autocomplete: 'off' });
    var form = F.el('form', { novalidate: true, className: 'inline-form', role: 'search', 'data-form': 'search' }, [
      S.field('staff.d.search', text, 'staff.d.searchHint'),
      S.button('staff.d.find', null, 'primary', { type: 'submit' }),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(form, '');
      S.call('GET', S.site + '/makers?search=' + encodeURIComponent(text.value.trim())).then(function (r) {
        if (r.status !== 200) {
          return S.formError(form, r.status === 404 && (!r.body || r.body.code === 'NOT_FOUND') ? F.t('staff.d.notReady') : S.errorText(r));
        }
        d.searched = true;
        d.results = Array.isArray(r.body) ? r.body : r.body.items || [];
        renderResults();
      });
    });
    return form;
  }

  /* ---------- one maker: trainings and bookings ---------- */

  function select(maker) {
    d.maker = maker;
    d.trainings = [];
    renderMaker();
    loadTrainings();
  }

  function userPath() {
    return '/api/v1/users/' + encodeURIComponent(d.maker.id) + '/trainings';
  }

  var freshTrainings = F.newest();

  function loadTrainings() {
    var current = freshTrainings();
    return S.call('GET', userPath()).then(function (r) {
      if (!current()) return;
      if (r.status === 200) d.trainings = r.body;
      renderTrainings();
    });
  }

  function renderTrainings() {
    var list = d.trainingList;
    if (!list) return;
    list.textContent = '';
    if (!d.trainings.length) list.appendChild(F.el('li', {}, [S.empty('staff.d.noTraining')]));
    d.trainings.forEach(function (t) {
      var expired = t.expiresAt && Date.parse(t.expiresAt) <= F.now();
      list.appendChild(
        F.el('li', { 'data-training': t.training }, [
          F.el('strong', {}, [F.icon(expired ? 'attention' : 'free'), ' ', S.trainingName(t.training)]),
          ' · ',
          t.expiresAt
            ? F.t(expired ? 'staff.d.expired' : 'staff.d.expires', { date: S.dateText(F.zoned(Date.parse(t.expiresAt)).date) })
            : F.t('staff.d.noExpiry'),
          ' ',
          S.button('staff.d.revoke', function () {
            S.call('DELETE', userPath() + '/' + encodeURIComponent(t.training)).then(function (r) {
              if (r.status !== 204 && r.status !== 200) return S.notice(S.errorText(r));
              S.notice(F.t('staff.d.revoked', { training: S.trainingName(t.training), name: F.isolate(d.maker.displayName) }));
              loadTrainings().then(function () {
                d.grantSelect.focus();
              });
            });
          }, 'secondary', { 'aria-label': F.t('staff.d.revoke') + ' — ' + S.trainingName(t.training), 'data-action': 'revoke' }),
        ]),
      );
    });
  }

  function grantForm() {
    var training = S.select(S.trainings().map(function (t) {
      return [t, S.trainingName(t), true];
    }));
    d.grantSelect = training;
    var expires = S.dateInput();
    var form = F.el('form', { novalidate: true, className: 'inline-form', 'data-form': 'grant' }, [
      S.field('staff.d.training', training),
      S.field('staff.d.expiresAt', expires, 'staff.d.expiresHint'),
      S.button('staff.d.grant', null, 'primary', { type: 'submit' }),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(form, '');
      var body = { training: training.value };
      // Valid through the chosen local day: it ends at the following midnight at the site.
      if (expires.value) body.expiresAt = new Date(Date.parse(S.zonedIso(S.addDays(expires.value, 1), '00:00'))).toISOString();
      S.call('POST', userPath(), body).then(function (r) {
        if (r.status !== 201 && r.status !== 200) return S.formError(form, S.errorText(r));
        S.notice(F.t('staff.d.granted', { training: S.trainingName(training.value), name: F.isolate(d.maker.displayName) }));
        loadTrainings();
      });
    });
    return form;
  }

  function bookForm() {
    var machine = S.select(S.machines.filter(function (x) {
      return x.adminStatus === 'active';
    }).map(function (x) {
      return [x.id, x.name, true];
    }));
    var date = S.dateInput({ value: F.today(), required: true });
    var from = S.timeInput('14:00', 30);
    var to = S.timeInput('16:00', 30);
    var override = S.input({ maxlength: 500 });
    var form = F.el('form', { novalidate: true, className: 'grid-form', 'data-form': 'book' }, [
      S.field('staff.d.machine', machine),
      S.field('staff.b.date', date),
      S.field('staff.b.from', from),
      S.field('staff.b.to', to),
      F.el('div', { className: 'wide' }, [S.field('staff.d.override', override, 'staff.d.overrideHint')]),
      F.el('div', { className: 'buttons wide' }, [S.button('staff.d.book', null, 'primary', { type: 'submit' })]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(form, '');
      if (!date.value || !from.value || !to.value || from.value >= to.value) return S.formError(form, F.t('staff.b.timesWrong'));
      var body = {
        machineId: machine.value,
        start: S.zonedIso(date.value, from.value),
        end: S.zonedIso(date.value, to.value),
        makerId: d.maker.id,
      };
      if (override.value.trim()) body.overrideReason = override.value.trim();
      S.call('POST', '/api/v1/reservations', body).then(function (r) {
        if (r.status !== 201) return S.formError(form, S.errorText(r));
        S.notice(F.t('staff.d.booked', { name: F.isolate(d.maker.displayName), machine: F.isolate(S.machineName(r.body.machineId)), when: S.when(r.body.start, r.body.end) }));
      });
    });
    return form;
  }

  function renderMaker() {
    var slot = d.makerSlot;
    slot.textContent = '';
    if (!d.maker) return;
    d.trainingList = F.el('ul', { className: 'trainings' });
    var who = F.el('p', { className: 'lead' }, [
      F.bdi(d.maker.displayName),
      d.maker.memberCode ? F.el('span', { className: 'code' }, [' · ', F.el('bdi', { dir: 'ltr', text: d.maker.memberCode })]) : null,
    ]);
    var panel = S.panel('staff.d.makerTitle', [
      who,
      S.tx('h4', 'staff.d.trainings'),
      d.trainingList,
      grantForm(),
      S.tx('h4', 'staff.d.bookTitle'),
      bookForm(),
    ], { 'data-maker-panel': d.maker.id });
    slot.appendChild(panel);
    renderTrainings();
  }

  S.view('desk', {
    build: function (root) {
      d.credentialsSlot = F.el('div', { className: 'panel-slot print-area' });
      d.resultList = F.el('ul', { className: 'results' });
      d.makerSlot = F.el('div', { className: 'panel-slot' });
      root.appendChild(
        F.el('div', { className: 'columns' }, [
          F.el('div', {}, [S.panel('staff.d.newTitle', [S.tx('p', 'staff.d.newHelp', { className: 'help' }), createForm()]), d.credentialsSlot]),
          F.el('div', {}, [S.panel('staff.d.findTitle', [searchForm(), d.resultList]), d.makerSlot]),
        ]),
      );
    },
    refresh: function () {
      renderCredentials();
      renderResults();
      renderMaker();
    },
  });
})();
