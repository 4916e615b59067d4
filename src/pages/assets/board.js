/*
 * The staff live board of one site: every machine as the bridges report it, who is on it and who
 * comes next, alerts to act on, today's reservations and blocks. Staff sign in on the page; the
 * session lives in this tab only (sessionStorage) and is refreshed as the API asks.
 */
/* global window, document, setTimeout, clearTimeout */
(function () {
  'use strict';

  var F = window.Fabrique;
  var config = F.config;
  var SESSION_KEY = 'fabrique.board.session';
  var LANG_KEY = 'fabrique.board.lang';
  var ACK_KEY = 'fabrique.board.seen.' + config.siteId;
  var SIDE_REFRESH_MS = 60000;
  /**
   * Alerts and lists are read again shortly after a delta, and at most every 5 s: a running job
   * sends a delta at each percent, which must not become three requests per board each time.
   */
  var SETTLE_MS = 400;
  var SIDE_MIN_GAP_MS = 5000;
  /** Actions the board can send today; the others are shown, disabled, with the reason. */
  var AVAILABLE_ACTIONS = { clear_confirm: true };
  var SEVERITY_ICON = { info: 'info', warning: 'attention', error: 'error', fatal: 'error' };
  var SEVERITY_ORDER = { fatal: 0, error: 1, warning: 2, info: 3 };

  var $ = function (id) {
    return document.getElementById(id);
  };
  var signed = F.signedIn(SESSION_KEY, function () {
    signOut('board.sessionEnded');
  });
  var seen = F.readJson(F.session.get(ACK_KEY)) || {};
  var live = null;
  var view = null;
  var alerts = [];
  var reservations = [];
  var blocks = [];
  var makerNames = {};
  var sending = {};
  var showSeen = false;
  var refreshTimer = null;
  var sidePending = false;
  var lastSide = 0;
  var tipCount = 0;

  function notice(text) {
    $('notice').textContent = text;
  }

  function machineName(id) {
    return view && view.machines[id] ? view.machines[id].machineName : id;
  }

  /* ---------- session ---------- */

  function signOut(reasonKey) {
    signed.forget();
    if (live) live.close();
    live = null;
    view = null;
    clearTimeout(refreshTimer);
    sidePending = false;
    $('app').hidden = true;
    $('account').hidden = true;
    $('sign-out').hidden = true;
    $('signin').hidden = false;
    F.showOffline($('offline'), false);
    F.showSignInError(reasonKey || '', {});
    $('login').focus();
  }

  /* ---------- live and the lists around it ---------- */

  function startApp(moveFocus) {
    $('signin').hidden = true;
    $('app').hidden = false;
    $('account').hidden = false;
    $('sign-out').hidden = false;
    renderAccount();
    if (moveFocus) $('alerts-title').focus();
    live = F.live({
      token: function () {
        return signed.current ? signed.current.accessToken : '';
      },
      onView: function (next) {
        var first = next.machines[Object.keys(next.machines)[0]];
        // A person who does not run this site gets the kiosk's view, without `liveState`.
        if (first && !('liveState' in first)) return signOut('board.notStaff');
        view = next;
        Object.keys(view.machines).forEach(function (id) {
          var m = view.machines[id];
          if (m.current) makerNames[m.current.makerId] = m.current.makerName;
          if (m.next) makerNames[m.next.makerId] = m.next.makerName;
        });
        renderMachines();
        renderAlerts();
        renderToday();
        scheduleSideRefresh();
      },
      onOnline: function (online) {
        F.showOffline($('offline'), !online, view && view.at);
      },
      onRefused: function (error) {
        if (error.code !== 'UNAUTHENTICATED' || !signed.current) return signOut('board.notStaff');
        signed.refresh().then(function (ok) {
          if (ok && live) live.reconnect();
          else signOut('board.sessionEnded');
        });
      },
    });
    loadSide();
  }

  function scheduleSideRefresh() {
    if (sidePending) return;
    sidePending = true;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadSide, Math.max(SETTLE_MS, lastSide + SIDE_MIN_GAP_MS - Date.now()));
  }

  function loadSide() {
    sidePending = false;
    lastSide = Date.now();
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadSide, SIDE_REFRESH_MS);
    if (!signed.current) return;
    var now = F.now();
    var range = '?from=' + new Date(now - 86400000).toISOString() + '&to=' + new Date(now + 86400000).toISOString();
    var site = '/api/v1/sites/' + encodeURIComponent(config.siteId);
    Promise.all([
      signed.call('GET', site + '/alerts'),
      signed.call('GET', site + '/reservations' + range.replace(/\+/g, '%2B')),
      signed.call('GET', site + '/blocks'),
    ])
      .then(function (answers) {
        if (answers[0].status === 200) alerts = answers[0].body;
        if (answers[1].status === 200) reservations = answers[1].body;
        if (answers[2].status === 200) blocks = answers[2].body;
        renderAlerts();
        renderToday();
      })
      .catch(function () {
        /* offline: the banner says so, the next delta or tick tries again */
      });
  }

  /* ---------- actions ---------- */

  function clearBuildArea(machineId) {
    if (sending[machineId]) return;
    sending[machineId] = true;
    renderMachines();
    renderAlerts();
    signed.call('POST', '/api/v1/machines/' + encodeURIComponent(machineId) + '/clear')
      .then(function (response) {
        if (response.status === 202) notice(F.t('board.clearSent', { machine: F.isolate(machineName(machineId)) }));
        else {
          var code = response.body && response.body.code;
          var key = 'board.err.' + code;
          var text = F.t(key);
          notice(text === key ? (response.body && response.body.message) || F.t('common.error') : text);
        }
      })
      .catch(function () {
        notice(F.t('common.error'));
      })
      .then(function () {
        delete sending[machineId];
        renderMachines();
        renderAlerts();
      });
  }

  function clearButton(machineId) {
    var busy = !!sending[machineId];
    return F.el('button', {
      type: 'button',
      className: 'primary',
      'data-focus': 'clear',
      'data-action': 'clear',
      'data-machine': machineId,
      'aria-disabled': busy ? 'true' : null,
      'aria-label': busy ? null : F.t('board.clearFor', { machine: F.isolate(machineName(machineId)) }),
      text: busy ? F.t('board.sending') : F.t('board.clear'),
      onclick: function () {
        clearBuildArea(machineId);
      },
    });
  }

  /** A button for an action the service cannot do yet: visible, focusable, explained, inert. */
  function unavailableButton(action) {
    tipCount += 1;
    var tipId = 'tip-' + tipCount;
    return F.el('span', { className: 'has-tip' }, [
      F.el('button', {
        type: 'button',
        className: 'secondary',
        'aria-disabled': 'true',
        'aria-describedby': tipId,
        'data-focus': 'action-' + action,
        'data-action': action,
        title: F.t('board.notYet'),
        text: F.t('board.action.' + action),
        onclick: function () {
          notice(F.t('board.notYet'));
        },
      }),
      F.el('span', { className: 'tip', role: 'tooltip', id: tipId, text: F.t('board.notYet') }),
    ]);
  }

  /* ---------- rendering ---------- */

  function renderAccount() {
    if (signed.current) $('account').textContent = F.t('board.account', { name: signed.current.user.displayName });
  }

  function machineDetail(m) {
    if (m.status === 'in_use' && m.busyUntil) return F.t('machine.busyUntil', { time: F.time(m.busyUntil) });
    if (m.status === 'reserved_soon' && m.busyUntil) return F.t('machine.reservedUntil', { time: F.time(m.busyUntil) });
    if (m.status !== 'free' && F.isFuture(m.nextFreeAt)) return F.t('machine.freeAt', { time: F.time(m.nextFreeAt) });
    return '';
  }

  function interventionItem(machine, intervention) {
    var buttons = [];
    var notes = [];
    intervention.actions.forEach(function (action) {
      if (action === 'attend_at_machine') notes.push(F.el('p', { className: 'note', text: F.t('board.action.' + action) }));
      else if (AVAILABLE_ACTIONS[action]) buttons.push(clearButton(machine.machineId));
      else buttons.push(unavailableButton(action));
    });
    return F.el('li', { className: 'intervention sev-' + intervention.severity }, [
      F.el('p', {}, [
        F.icon(SEVERITY_ICON[intervention.severity] || 'attention'),
        F.el('strong', { text: F.t('severity.' + intervention.severity) + ' · ' + F.attentionText(intervention.kind) }),
      ]),
      F.el('p', { className: 'raw' }, [F.el('bdi', { lang: 'en', text: intervention.message })]),
      notes.length ? F.el('div', {}, notes) : null,
      buttons.length ? F.el('div', { className: 'actions' }, buttons) : null,
    ]);
  }

  function machineCard(m) {
    var offersClear = m.interventions.some(function (i) {
      return i.actions.indexOf('clear_confirm') >= 0;
    });
    var parts = [
      F.el('h3', { className: 'machine-name' }, [F.bdi(m.machineName)]),
      F.el('p', { className: 'machine-state' }, [F.statusBadge(m.status)]),
    ];
    // A machine no bridge ever reported says nothing worth a line.
    if (m.liveState && m.liveState !== 'unknown') {
      parts.push(F.el('p', { className: 'says', text: F.t('board.machineSays', { state: F.t('state.' + m.liveState) }) }));
    }
    if (m.status === 'needs_attention' && m.attention.length) {
      parts.push(F.el('p', { className: 'why', text: m.attention.map(F.attentionText).join(' · ') }));
    }
    if (m.progressPct !== null && m.progressPct !== undefined) {
      parts.push(F.progress(m.progressPct, F.t('machine.progressLabel') + ' — ' + m.machineName));
    }
    var detail = machineDetail(m);
    if (detail) parts.push(F.el('p', { text: detail }));
    if (m.current) {
      parts.push(
        F.el('p', { className: 'who' }, [
          F.t('board.now', { name: F.isolate(m.current.makerName), range: F.range(m.current.start, m.current.end) }),
          ' · ',
          F.t(m.current.checkedIn ? 'board.checkedIn' : 'board.notCheckedIn'),
        ]),
      );
    }
    if (m.job) {
      // Staff hand finished parts to their makers: whose print is this? (None for a job started
      // at the machine: its name is then the service's own, in English, so it is left out.)
      var who = m.job.makerName
        ? F.t('board.job', { job: F.isolate(m.job.name), name: F.isolate(m.job.makerName) })
        : F.t('board.jobAtMachine');
      parts.push(F.el('p', { className: 'who job', text: who }));
    }
    if (m.next) {
      parts.push(
        F.el('p', { className: 'who', text: F.t('board.next', { name: F.isolate(m.next.makerName), start: F.time(m.next.start) }) }),
      );
    }
    if (m.interventions.length) {
      parts.push(
        F.el(
          'ul',
          { className: 'interventions' },
          m.interventions.map(function (i) {
            return interventionItem(m, i);
          }),
        ),
      );
    }
    if (m.liveState === 'awaiting_clear' && !offersClear) parts.push(F.el('div', { className: 'actions' }, [clearButton(m.machineId)]));
    return F.el('li', { className: 'machine s-' + m.status, 'data-machine': m.machineId, 'data-status': m.status }, parts);
  }

  function stamp() {
    return F.lang + '|' + F.today() + '|';
  }

  function renderMachines() {
    if (!view) return;
    F.patch(
      $('machines'),
      F.sortedMachines(view).map(function (m) {
        return {
          key: m.machineId,
          sig: stamp() + !!sending[m.machineId] + JSON.stringify(m),
          render: function () {
            return machineCard(m);
          },
        };
      }),
    );
  }

  function alertItem(alert) {
    var machine = view && view.machines[alert.machineId];
    var buttons = [];
    var awaitingClear = machine && machine.liveState === 'awaiting_clear';
    if (alert.kind === 'awaiting_clear_too_long' && awaitingClear) buttons.push(clearButton(alert.machineId));
    if (!seen[alert.id]) {
      buttons.push(
        F.el('button', {
          type: 'button',
          className: 'secondary',
          'data-focus': 'ack',
          'data-action': 'ack',
          'aria-label': F.t('board.ack') + ' — ' + F.isolate(machineName(alert.machineId)) + ' — ' + F.t('alert.' + alert.kind),
          text: F.t('board.ack'),
          onclick: function () {
            seen[alert.id] = true;
            F.session.set(ACK_KEY, JSON.stringify(seen));
            renderAlerts();
            $('alerts-title').focus();
          },
        }),
      );
    }
    var fromMachine = alert.kind === 'intervention_waiting' || alert.kind === 'machine_error';
    return F.el('li', { className: 'alert sev-' + alert.severity + (seen[alert.id] ? ' seen' : ''), 'data-alert': alert.kind }, [
      F.el('p', { className: 'alert-head' }, [
        F.icon(SEVERITY_ICON[alert.severity] || 'attention'),
        F.el('strong', { text: F.t('severity.' + alert.severity) }),
        ' · ',
        F.bdi(machineName(alert.machineId)),
        ' · ',
        F.t('alert.' + alert.kind),
        ' ',
        F.el('span', { className: 'since', text: F.t('board.since', { time: F.time(alert.raisedAt) }) }),
      ]),
      fromMachine ? F.el('p', { className: 'raw' }, [F.el('bdi', { lang: 'en', text: alert.message })]) : null,
      buttons.length ? F.el('div', { className: 'actions' }, buttons) : null,
    ]);
  }

  function renderAlerts() {
    var present = {};
    alerts.forEach(function (a) {
      present[a.id] = true;
    });
    Object.keys(seen).forEach(function (id) {
      if (!present[id]) delete seen[id];
    });
    var sorted = alerts.slice().sort(function (a, b) {
      return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || Date.parse(a.raisedAt) - Date.parse(b.raisedAt);
    });
    var visible = sorted.filter(function (a) {
      return showSeen || !seen[a.id];
    });
    var seenCount = sorted.length - sorted.filter(function (a) {
      return !seen[a.id];
    }).length;
    F.patch(
      $('alerts'),
      visible.map(function (a) {
        var machine = view && view.machines[a.machineId];
        return {
          key: a.id,
          sig: stamp() + !!seen[a.id] + !!sending[a.machineId] + (machine && machine.liveState) + JSON.stringify(a),
          render: function () {
            return alertItem(a);
          },
        };
      }),
    );
    $('no-alerts').hidden = visible.length > 0;
    $('acked').hidden = seenCount === 0 || showSeen;
    $('acked-count').textContent = F.t('board.ackedCount', { n: seenCount });
  }

  function overlapsToday(startIso, endIso) {
    var today = F.today();
    return F.zoned(Date.parse(startIso)).date <= today && F.zoned(Date.parse(endIso) - 1).date >= today;
  }

  function weekdayToday() {
    var names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    var parts = F.today().split('-');
    return names[new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2])).getUTCDay()];
  }

  function blockToday(block) {
    if (block.start && block.end) return overlapsToday(block.start, block.end);
    var weekly = block.weekly;
    var today = F.today();
    return (
      !!weekly &&
      weekly.days.indexOf(weekdayToday()) >= 0 &&
      weekly.startDate <= today &&
      (!weekly.untilDate || weekly.untilDate >= today)
    );
  }

  function renderToday() {
    $('today-date').textContent = F.longDate(F.now());
    var rows = reservations
      .filter(function (r) {
        return r.status !== 'cancelled' && overlapsToday(r.start, r.end);
      })
      .sort(function (a, b) {
        return Date.parse(a.start) - Date.parse(b.start);
      });
    var body = $('reservations').tBodies[0];
    body.textContent = '';
    rows.forEach(function (r) {
      var status = r.status === 'active' && r.checkedInAt ? 'checkedIn' : r.status;
      var name = makerNames[r.makerId];
      body.appendChild(
        F.el('tr', {}, [
          F.el('td', { className: 'when' }, [F.el('time', { datetime: r.start, text: F.range(r.start, r.end) })]),
          F.el('td', {}, [F.bdi(machineName(r.machineId))]),
          F.el('td', {}, [name ? F.bdi(name) : F.el('span', { className: 'muted', text: F.t('board.unknownMaker') })]),
          F.el('td', { text: F.t('reservation.' + status) }),
        ]),
      );
    });
    $('reservations').hidden = rows.length === 0;
    $('no-reservations').hidden = rows.length > 0;
    var todays = blocks.filter(blockToday);
    var list = $('blocks');
    list.textContent = '';
    todays.forEach(function (b) {
      var when = b.start ? F.range(b.start, b.end) : F.range(b.weekly.from, b.weekly.to);
      list.appendChild(
        F.el('li', { className: 'block' }, [
          F.el('p', {}, [F.el('strong', { text: when }), ' · ', F.t('block.' + b.category)]),
          F.el('p', {}, [F.bdi(b.reason)]),
          F.el('p', { className: 'muted', text: b.machineIds.map(machineName).join(', ') }),
        ]),
      );
    });
    $('no-blocks').hidden = todays.length > 0;
  }

  function renderLanguageSelect() {
    var select = $('language');
    select.textContent = '';
    config.allLanguages.forEach(function (lang) {
      select.appendChild(F.el('option', { value: lang, lang: lang, selected: lang === F.lang, text: F.languageName(lang) }));
    });
  }

  /* ---------- start ---------- */

  function start() {
    var stored = F.local.get(LANG_KEY);
    var asked = F.query('lang');
    var first = [asked, stored, signed.current && signed.current.user.locale, config.languages[0]].filter(function (lang) {
      return lang && F.hasDictionary(lang);
    })[0];
    F.onLanguage(function () {
      renderLanguageSelect();
      renderAccount();
      var error = $('signin-error');
      if (error.getAttribute('data-key')) F.showSignInError(error.getAttribute('data-key'), F.readJson(error.getAttribute('data-vars')));
      renderMachines();
      renderAlerts();
      if (view || reservations.length || blocks.length) renderToday();
      if (!$('offline').hidden) F.showOffline($('offline'), true, view && view.at);
      $('notice').textContent = '';
    });
    F.setLanguage(first || config.languages[0]);
    F.startClock($('clock'));
    $('language').addEventListener('change', function (event) {
      F.local.set(LANG_KEY, event.target.value);
      F.setLanguage(event.target.value);
    });
    $('signin-form').addEventListener(
      'submit',
      F.signInForm(signed, {
        words: { empty: 'board.wrongLogin', wrong: 'board.wrongLogin', tooMany: 'board.tooMany', network: 'common.error', notAllowed: 'board.notStaff' },
        accept: F.isStaffHere,
        langKey: LANG_KEY,
        onSignedIn: function () {
          startApp(true);
        },
      }),
    );
    // There is no sign-out endpoint yet: the tab forgets its tokens, the refresh token expires.
    $('sign-out').addEventListener('click', function () {
      signOut('');
    });
    $('show-acked').addEventListener('click', function () {
      showSeen = true;
      renderAlerts();
      $('alerts-title').focus();
    });
    if (signed.current && F.isStaffHere(signed.current.user)) startApp(false);
    else signOut('');
  }

  F.loadDictionaries(config.allLanguages).then(start);
})();
