/*
 * My bookings: check in (also by scanning the kiosk's QR code, which opens this page with
 * `?machine=`), move, cancel, hand back early; my waiting list; the calendar link.
 */
/* global window, location, history, navigator */
(function () {
  'use strict';

  var F = window.Fabrique;
  var A = window.FabriqueApp;
  var $ = A.$;
  var MINUTE = A.MINUTE;
  /** The service opens check-in this long before the start (README "Trainings, check-in…"). */
  var CHECK_IN_OPENS_MIN = 15;

  var reservations = [];
  var waits = [];
  var confirming = null;
  var busy = {};
  var scanned = F.query('machine');
  var scanDone = false;

  var fresh = F.newest();

  function load() {
    var current = fresh();
    var now = F.now();
    var range = '?from=' + A.iso(now - 86400000) + '&to=' + A.iso(now + 30 * 86400000);
    return Promise.all([A.call('GET', '/api/v1/me/reservations' + range), A.call('GET', '/api/v1/me/waitlist')]).then(function (answers) {
      if (!current()) return;
      if (answers[0].status === 200) {
        reservations = answers[0].body.slice().sort(function (a, b) {
          return Date.parse(a.start) - Date.parse(b.start);
        });
      }
      if (answers[1].status === 200) waits = answers[1].body;
      render();
      renderScan(false);
    });
  }

  function opensAt(r) {
    return Date.parse(r.start) - CHECK_IN_OPENS_MIN * MINUTE;
  }

  function canCheckIn(r) {
    var now = F.now();
    return r.status === 'active' && !r.checkedInAt && now >= opensAt(r) && now <= Date.parse(r.start) + r.checkInGraceMinutes * MINUTE;
  }

  function statusWord(r) {
    return F.t('reservation.' + (r.status === 'active' && r.checkedInAt ? 'checkedIn' : r.status));
  }

  function act(r, path, doneKey) {
    if (busy[r.id]) return;
    busy[r.id] = true;
    A.call('POST', '/api/v1/reservations/' + encodeURIComponent(r.id) + '/' + path).then(function (response) {
      delete busy[r.id];
      confirming = null;
      A.notice(function () {
        if (response.status !== 200 && response.status !== 201) return A.errorText(response);
        return F.t(doneKey, { machine: F.isolate(A.machineName(r.machineId)), when: F.range(r.start, r.end) });
      });
      load();
    });
  }

  function checkIn(r) {
    act(r, 'check-in', 'app.checkIn.done');
  }

  function bookingCard(r) {
    var name = A.machineName(r.machineId);
    var label = function (key) {
      return F.t(key) + ' — ' + F.isolate(name) + ', ' + F.time(r.start);
    };
    var future = Date.parse(r.start) > F.now();
    var actions = [];
    var lines = [];
    if (r.status === 'active' && !r.checkedInAt) {
      if (canCheckIn(r)) {
        actions.push(A.button(F.t('app.checkIn.button'), 'primary', function () { checkIn(r); }, label('app.checkIn.button'), { 'data-action': 'check-in' }));
      } else if (F.now() < opensAt(r)) {
        lines.push(F.el('p', { className: 'muted', text: F.t('app.checkIn.opens', { time: F.time(opensAt(r)) }) }));
      }
    }
    if (r.status === 'active' && r.checkedInAt && !future) {
      actions.push(A.button(F.t('app.release'), 'secondary', function () { act(r, 'release', 'app.released'); }, label('app.release'), { 'data-action': 'release' }));
    }
    if (r.status === 'active' && !r.checkedInAt && future) {
      actions.push(A.button(F.t('app.move.button'), 'secondary', function () {
        A.moving = r;
        A.openBooking(A.machine(r.machineId) ? A.machine(r.machineId).kind : null, F.zoned(Date.parse(r.start)).date, r.machineId);
      }, label('app.move.button'), { 'data-action': 'move' }));
      actions.push(A.button(F.t('app.cancel.button'), 'danger', function () {
        confirming = r.id;
        render();
        var yes = $('bookings').querySelector('[data-action="cancel-yes"]');
        if (yes) yes.focus();
      }, label('app.cancel.button'), { 'data-action': 'cancel' }));
    }
    var confirm = confirming === r.id
      ? F.el('div', { className: 'confirm', role: 'group', 'aria-label': F.t('app.cancel.ask') }, [
          F.el('p', { text: F.t('app.cancel.ask') }),
          F.el('div', { className: 'row' }, [
            A.button(F.t('app.cancel.yes'), 'danger', function () { act(r, 'cancel', 'app.cancel.done'); }, null, { 'data-action': 'cancel-yes' }),
            A.button(F.t('app.cancel.no'), 'secondary', function () {
              confirming = null;
              render();
            }, null, { 'data-action': 'cancel-no' }),
          ]),
        ])
      : null;
    var status = r.status === 'active' && r.checkedInAt ? 'checkedIn' : r.status;
    return F.el('li', { className: 'card booking b-' + status, 'data-reservation': r.id, 'data-status': status }, [
      F.el('h4', {}, [F.bdi(name)]),
      // The day once, then the hours alone (they would repeat the weekday), never split in two.
      F.el('p', { className: 'when' }, [
        F.el('time', { datetime: r.start, text: A.dayName(F.zoned(Date.parse(r.start)).date) }),
        ' · ',
        F.el('span', { className: 'hours', text: F.hours(r.start, r.end) }),
      ]),
      F.el('p', {}, [F.el('span', { className: 'pill p-' + status, text: statusWord(r) })]),
      lines.length ? F.el('div', {}, lines) : null,
      actions.length ? F.el('div', { className: 'row' }, actions) : null,
      confirm,
    ]);
  }

  function waitCard(w) {
    var offer = w.offer;
    return F.el('li', { className: 'card', 'data-wait': w.id }, [
      F.el('h4', { text: F.t('kind.' + w.kind) }),
      F.el('p', { className: 'when' }, [
        A.dayName(F.zoned(Date.parse(w.start)).date),
        ' · ',
        F.el('span', { className: 'hours', text: F.hours(w.start, w.end) }),
      ]),
      F.el('p', { className: 'muted', text: F.t('app.wait.status.' + w.status) }),
      offer ? F.el('p', { className: 'offer', text: F.t('app.wait.offer', { machine: F.isolate(A.machineName(offer.machineId)), when: F.range(offer.start, offer.end) }) }) : null,
      w.status === 'waiting' || w.status === 'offered'
        ? F.el('div', { className: 'row' }, [
            A.button(F.t('app.wait.withdraw'), 'secondary', function () {
              A.call('POST', '/api/v1/waitlist/' + encodeURIComponent(w.id) + '/withdraw').then(function (response) {
                A.notice(function () {
                  return response.status < 300 ? F.t('app.wait.withdrawn') : A.errorText(response);
                });
                load();
              });
            }),
          ])
        : null,
    ]);
  }

  function render() {
    var shown = reservations.filter(function (r) {
      return r.status === 'active' || Date.parse(r.end) > F.now() - 86400000;
    });
    var list = $('bookings');
    list.textContent = '';
    shown.forEach(function (r) {
      list.appendChild(bookingCard(r));
    });
    $('no-bookings').hidden = shown.length > 0;
    var openWaits = waits.filter(function (w) {
      return w.status === 'waiting' || w.status === 'offered';
    });
    $('waits').textContent = '';
    openWaits.forEach(function (w) {
      $('waits').appendChild(waitCard(w));
    });
    $('no-waits').hidden = openWaits.length > 0;
  }

  /* ---------- arriving from the kiosk's QR code ---------- */

  /** A reload after the check-in must not offer it again: the address forgets the machine. */
  function forgetScan() {
    if (history.replaceState) history.replaceState(null, '', location.pathname + location.hash);
  }

  function renderScan(moveFocus) {
    var box = $('scan');
    if (!scanned || !A.signed.current) {
      box.hidden = true;
      return;
    }
    var machine = A.machine(scanned);
    var name = machine ? machine.name : scanned;
    var now = F.now();
    var mine = reservations.filter(function (r) {
      return r.machineId === scanned && r.status === 'active' && Date.parse(r.end) > now;
    })[0];
    var body = $('scan-body');
    body.textContent = '';
    $('scan-title').textContent = F.t('app.scan.title', { machine: F.isolate(name) });
    if (mine && canCheckIn(mine)) {
      body.appendChild(F.el('p', { text: F.t('app.scan.yours', { when: F.range(mine.start, mine.end) }) }));
      body.appendChild(A.button(F.t('app.checkIn.now'), 'primary wide', function () {
        A.call('POST', '/api/v1/reservations/' + encodeURIComponent(mine.id) + '/check-in').then(function (response) {
          if (response.status === 200 || response.status === 201) {
            forgetScan();
            A.notice(function () {
              return F.t('app.scan.checkedIn');
            });
            load().then(function () {
              $('scan-title').focus();
            });
          } else {
            var refused = F.el('p', { className: 'form-error', role: 'alert' });
            body.appendChild(refused);
            A.showError(refused, response);
          }
        });
      }, null, { 'data-action': 'scan-check-in' }));
    } else if (mine && mine.checkedInAt) {
      body.appendChild(F.el('p', { className: 'done', 'data-scan': 'checked-in' }, [F.icon('free'), ' ', F.t('app.scan.already')]));
    } else if (mine && now < opensAt(mine)) {
      body.appendChild(F.el('p', { text: F.t('app.scan.early', { start: F.time(mine.start), time: F.time(opensAt(mine)) }) }));
    } else {
      body.appendChild(F.el('p', { text: F.t('app.scan.none') }));
      if (machine) {
        body.appendChild(A.button(F.t('app.scan.book'), 'primary', function () {
          A.openBooking(machine.kind, null, machine.id);
        }, null, { 'data-action': 'scan-book' }));
      }
    }
    body.appendChild(A.button(F.t('app.close'), 'link', function () {
      forgetScan();
      scanned = null;
      box.hidden = true;
    }));
    box.hidden = false;
    if (moveFocus) $('scan-title').focus();
  }

  /* ---------- calendar link ---------- */

  $('calendar-get').addEventListener('click', function () {
    A.call('GET', '/api/v1/me/calendar').then(function (response) {
      if (response.status !== 200) {
        return A.notice(function () {
          return A.errorText(response);
        });
      }
      $('calendar-url').value = response.body.url;
      $('calendar-open').setAttribute('href', response.body.url.replace(/^https?:/, 'webcal:'));
      $('calendar-link').hidden = false;
      $('calendar-url').focus();
      $('calendar-url').select();
    });
  });
  $('calendar-copy').addEventListener('click', function () {
    var url = $('calendar-url').value;
    var copied = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject(new Error('no clipboard'));
    copied.then(
      function () {
        A.notice(function () {
          return F.t('app.calendar.copied');
        });
      },
      function () {
        $('calendar-url').select();
        A.notice(function () {
          return F.t('app.calendar.selectIt');
        });
      },
    );
  });

  A.module({
    start: function () {
      load().then(function () {
        if (scanned && !scanDone) {
          scanDone = true;
          renderScan(true);
        }
      });
    },
    render: function () {
      render();
      renderScan(false);
    },
    stop: function () {
      reservations = [];
      waits = [];
      $('scan').hidden = true;
    },
    views: { bookings: load },
  });
})();
