/*
 * The lobby kiosk: what is free now, what frees up when, in the site's languages in turn.
 * Read-only and anonymous: it shows no name, and its token (from the URL fragment or a pairing
 * code) stays in this screen's storage.
 */
/* global window, document, location, history, qrcode, setInterval */
(function () {
  'use strict';

  var F = window.Fabrique;
  var config = F.config;
  var TOKEN_KEY = 'fabrique.kiosk.' + config.siteId;
  /** A person who picked a language gets this long to read before the rotation goes on. */
  var PICK_PAUSE_MS = 60000;
  var rotateSeconds = F.query('rotate');
  var ROTATE_MS = rotateSeconds === null ? 20000 : Number(rotateSeconds) * 1000;

  var $ = function (id) {
    return document.getElementById(id);
  };
  var view = null;
  var online = true;
  var live = null;
  var pausedUntil = 0;
  var turn = 0;
  var shownQr = '';

  /* ---------- the token: from the fragment once, then from this screen's storage ---------- */

  function takeTokenFromFragment() {
    var match = /[#&]token=([^&]+)/.exec(location.hash);
    if (!match) return null;
    var token = decodeURIComponent(match[1]);
    F.local.set(TOKEN_KEY, token);
    // Out of the address bar and the history: whoever walks by the screen later cannot read it.
    if (history.replaceState) history.replaceState(null, '', location.pathname + location.search);
    return token;
  }

  function token() {
    return F.local.get(TOKEN_KEY) || '';
  }

  /* ---------- languages ---------- */

  function renderLanguageSwitch() {
    var nav = $('languages');
    nav.textContent = '';
    config.languages.forEach(function (lang) {
      nav.appendChild(
        F.el(
          'button',
          {
            type: 'button',
            lang: lang,
            dir: F.isRtl(lang) ? 'rtl' : 'ltr',
            'aria-pressed': lang === F.lang ? 'true' : 'false',
            'data-lang': lang,
            onclick: function () {
              pausedUntil = Date.now() + PICK_PAUSE_MS;
              F.setLanguage(lang);
            },
          },
          [F.languageName(lang)],
        ),
      );
    });
  }

  function rotate() {
    turn += 1;
    if (ROTATE_MS > 0 && Date.now() >= pausedUntil && config.languages.length > 1) {
      var next = config.languages[(config.languages.indexOf(F.lang) + 1) % config.languages.length];
      F.setLanguage(next);
    } else {
      renderQr();
    }
  }

  /* ---------- rendering ---------- */

  /** A machine of this kind waits for a person: the staff can free it sooner than any booking. */
  function staffCanHelp(kind) {
    return Object.keys(view.machines).some(function (id) {
      var m = view.machines[id];
      return m.kind === kind.kind && (m.status === 'needs_attention' || m.status === 'offline');
    });
  }

  /** While the centre is closed: nobody can use a machine now; say what is free when it opens. */
  function closedKindCard(kind) {
    var detail;
    if (kind.freeAtOpening > 0) detail = F.t('kind.freeAtOpening', { n: kind.freeAtOpening });
    else if (F.isFuture(kind.nextFreeAt)) detail = F.t('machine.freeFrom', { when: F.when(kind.nextFreeAt) });
    else detail = F.t('kind.noneSoon');
    return F.el('li', { className: 'kind s-closed', 'data-kind': kind.kind, 'data-free': 0, 'data-open-free': kind.freeAtOpening }, [
      F.el('h3', { className: 'kind-name', text: F.t('kind.' + kind.kind) }),
      F.el('p', { className: 'kind-free' }, [F.icon('closed'), F.el('span', { text: F.t('status.closed') })]),
      F.el('p', { className: 'kind-next', text: detail }),
    ]);
  }

  function kindCard(kind) {
    if (!view.opening.open) return closedKindCard(kind);
    var detail;
    if (kind.freeNow > 0) detail = F.t('kind.ofTotal', { total: kind.total });
    else if (F.isFuture(kind.nextFreeAt)) detail = F.t('kind.nextFree', { time: F.time(kind.nextFreeAt) });
    else if (staffCanHelp(kind)) detail = F.t('kind.askStaff');
    else detail = F.t('kind.noneSoon');
    var status = kind.freeNow > 0 ? 'free' : 'reserved_soon';
    return F.el('li', { className: 'kind s-' + status, 'data-kind': kind.kind, 'data-free': kind.freeNow }, [
      F.el('h3', { className: 'kind-name', text: F.t('kind.' + kind.kind) }),
      F.el('p', { className: 'kind-free' }, [
        F.icon(kind.freeNow > 0 ? 'free' : 'soon'),
        F.el('span', { text: F.t('kind.freeNow', { n: kind.freeNow }) }),
      ]),
      F.el('p', { className: 'kind-next', text: detail }),
    ]);
  }

  function machineDetail(machine) {
    switch (machine.status) {
      case 'free':
        return F.t('machine.freeNow');
      case 'in_use':
        return machine.busyUntil ? F.t('machine.busyUntil', { time: F.time(machine.busyUntil) }) : '';
      case 'reserved_soon':
        return machine.busyUntil
          ? F.t('machine.reservedUntil', { time: F.time(machine.busyUntil) })
          : F.t('machine.reservedSoon');
      case 'closed':
        return F.isFuture(machine.nextFreeAt) ? F.t('machine.freeFrom', { when: F.when(machine.nextFreeAt) }) : '';
      default:
        return F.isFuture(machine.nextFreeAt) ? F.t('machine.freeAt', { time: F.time(machine.nextFreeAt) }) : '';
    }
  }

  function machineCard(machine) {
    var lines = [
      F.el('h3', { className: 'machine-name' }, [F.bdi(machine.machineName)]),
      F.el('p', { className: 'machine-state' }, [F.statusBadge(machine.status)]),
    ];
    if (machine.status === 'needs_attention' && machine.attention.length > 0) {
      lines.push(F.el('p', { className: 'machine-why', text: F.attentionText(machine.attention[0]) }));
    }
    var detail = machineDetail(machine);
    if (detail) lines.push(F.el('p', { className: 'machine-detail', text: detail }));
    lines = lines.concat(F.noticeLines(machine));
    if (machine.progressPct !== null && machine.progressPct !== undefined) {
      lines.push(F.progress(machine.progressPct, F.t('machine.progressLabel')));
    }
    return F.el(
      'li',
      { className: 'machine s-' + machine.status, 'data-machine': machine.machineId, 'data-status': machine.status },
      lines,
    );
  }

  function render() {
    if (!view) return;
    var closed = F.openingText(view.opening);
    $('opening').textContent = '';
    if (closed) $('opening').appendChild(F.el('span', {}, [F.icon('closed'), ' ', closed]));
    $('opening').hidden = !closed;
    var stamp = F.lang + '|' + F.today() + '|' + JSON.stringify(view.opening) + '|';
    F.patch(
      $('kinds'),
      view.kinds.map(function (kind) {
        return {
          key: kind.kind,
          sig: stamp + view.seq + JSON.stringify(kind),
          render: function () {
            return kindCard(kind);
          },
        };
      }),
    );
    F.patch(
      $('machines'),
      F.sortedMachines(view).map(function (machine) {
        return {
          key: machine.machineId,
          sig: stamp + JSON.stringify(machine),
          render: function () {
            return machineCard(machine);
          },
        };
      }),
    );
    renderQr();
  }

  /**
   * One QR code at a time, for each free machine in turn; the booking page when none is free;
   * while the centre is closed, booking for the day it opens — never "book this machine now".
   */
  function renderQr() {
    if (!view) return;
    var free = F.sortedMachines(view).filter(function (m) {
      return m.status === 'free';
    });
    var machine = free.length > 0 ? free[turn % free.length] : null;
    var url = config.publicUrl + '/book?site=' + encodeURIComponent(config.siteId);
    if (machine) url += '&machine=' + encodeURIComponent(machine.machineId);
    var opensAt = !view.opening.open && view.opening.opensAt;
    if (opensAt) url += '&date=' + F.zoned(Date.parse(opensAt)).date;
    var title = machine ? F.t('kiosk.book') : opensAt ? F.t('kiosk.bookLater', { when: F.when(opensAt) }) : F.t('kiosk.bookAny');
    $('book-title').textContent = title;
    // The name on a line of its own: a long Latin name never wraps inside an Arabic sentence.
    $('book-machine').textContent = machine ? machine.machineName : '';
    $('book-machine').hidden = !machine;
    if (shownQr === url + F.lang + title) return;
    shownQr = url + F.lang + title;
    var box = $('qr');
    box.textContent = '';
    box.setAttribute('data-url', url);
    box.appendChild(qrSvg(url, machine ? title + ' — ' + F.isolate(machine.machineName) : title));
  }

  function qrSvg(text, label) {
    var code = qrcode(0, 'M');
    code.addData(text);
    code.make();
    var count = code.getModuleCount();
    var path = '';
    for (var y = 0; y < count; y++) {
      for (var x = 0; x < count; x++) if (code.isDark(y, x)) path += 'M' + x + ' ' + y + 'h1v1h-1z';
    }
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    var quiet = 4;
    svg.setAttribute('viewBox', [-quiet, -quiet, count + 2 * quiet, count + 2 * quiet].join(' '));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    svg.setAttribute('shape-rendering', 'crispEdges');
    var background = document.createElementNS(ns, 'rect');
    background.setAttribute('x', -quiet);
    background.setAttribute('y', -quiet);
    background.setAttribute('width', count + 2 * quiet);
    background.setAttribute('height', count + 2 * quiet);
    background.setAttribute('fill', '#fff');
    var modules = document.createElementNS(ns, 'path');
    modules.setAttribute('d', path);
    modules.setAttribute('fill', '#000');
    svg.appendChild(background);
    svg.appendChild(modules);
    return svg;
  }

  function setOnline(value) {
    online = value;
    F.showOffline($('offline'), !online, view && view.at);
  }

  /* ---------- pairing ---------- */

  function showPairing(reasonKey) {
    $('live').hidden = true;
    $('message').hidden = true;
    $('pairing').hidden = false;
    $('pairing-error').textContent = reasonKey ? F.t(reasonKey) : '';
    $('pairing-error').setAttribute('data-reason', reasonKey || '');
    $('pairing-code').focus();
  }

  function pair(event) {
    event.preventDefault();
    var code = $('pairing-code').value.replace(/\D/g, '');
    if (code.length !== 6) {
      $('pairing-error').textContent = F.t('kiosk.pairWrong');
      return;
    }
    F.api('POST', '/kiosk/pair', { code: code, siteId: config.siteId })
      .then(function (response) {
        if (response.status === 200 && response.body && response.body.token) {
          F.local.set(TOKEN_KEY, response.body.token);
          $('pairing-code').value = '';
          $('pairing').hidden = true;
          connect();
        } else {
          $('pairing-error').textContent = F.t(response.status === 429 ? 'kiosk.pairTooMany' : 'kiosk.pairWrong');
        }
      })
      .catch(function () {
        $('pairing-error').textContent = F.t('common.error');
      });
  }

  /* ---------- live ---------- */

  function connect() {
    $('message').hidden = false;
    if (live) return live.reconnect();
    live = F.live({
      token: token,
      onView: function (next) {
        view = next;
        $('message').hidden = true;
        $('live').hidden = false;
        render();
      },
      onOnline: setOnline,
      onRefused: function () {
        // A revoked token, or one of another site: this screen must be paired again.
        F.local.remove(TOKEN_KEY);
        live.close();
        view = null;
        setOnline(true);
        showPairing('kiosk.pairRevoked');
      },
    });
  }

  function start() {
    var asked = F.query('lang');
    var first = asked && config.languages.indexOf(asked) >= 0 ? asked : config.languages[0];
    F.onLanguage(function () {
      renderLanguageSwitch();
      shownQr = '';
      render();
      if (!online) setOnline(false);
      if (!$('pairing').hidden) {
        var reason = $('pairing-error').getAttribute('data-reason');
        if (reason) $('pairing-error').textContent = F.t(reason);
      }
    });
    F.setLanguage(first);
    F.startClock($('clock'), $('date'));
    $('pairing-form').addEventListener('submit', pair);
    if (ROTATE_MS > 0) setInterval(rotate, ROTATE_MS);
    if (takeTokenFromFragment() || token()) connect();
    else showPairing(null);
  }

  F.loadDictionaries(config.languages.indexOf('en') >= 0 ? config.languages : config.languages.concat('en'))
    .then(start)
    .catch(function () {
      // Dictionaries unreachable (the service restarting as the screen boots): try again shortly.
      window.setTimeout(function () {
        location.reload();
      }, 5000);
    });
})();
