/*
 * Machines with their live state, and booking: a day or a week of free time in the site's zone,
 * a free stretch to choose a start and a length in, the waiting list when nothing suits.
 */
/* global window */
(function () {
  'use strict';

  var F = window.Fabrique;
  var A = window.FabriqueApp;
  var $ = A.$;
  var MINUTE = A.MINUTE;
  /** The booking grid most sites use; the service says so in plain words when a site differs. */
  var GRID = 30;
  var MAX_LENGTH_MINUTES = 8 * 60;
  var REASON_ICON = { reserved: 'soon', blocked: 'attention', maintenance: 'maintenance', closed: 'offline' };

  /** `picked`: the maker chose the day (else booking opens on the first day the centre is open). */
  var state = { kind: null, mode: 'day', date: null, picked: false, focus: null, data: null, chosen: null };
  var fresh = F.newest();
  A.moving = null;

  /* ---------- machines ---------- */

  function kinds() {
    var seen = [];
    var order = A.liveView ? A.liveView.kinds.map(function (k) { return k.kind; }) : [];
    A.machines.forEach(function (m) {
      if (seen.indexOf(m.kind) < 0) seen.push(m.kind);
    });
    return seen.sort(function (a, b) {
      return (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99);
    });
  }

  function liveOf(id) {
    return A.liveView && A.liveView.machines[id];
  }

  function machineDetail(live) {
    if (!live) return '';
    if (live.status === 'free') return F.t('machine.freeNow');
    if (live.status === 'in_use' && live.busyUntil) return F.t('machine.busyUntil', { time: F.time(live.busyUntil) });
    if (live.status === 'reserved_soon' && live.busyUntil) return F.t('machine.reservedUntil', { time: F.time(live.busyUntil) });
    if (live.status === 'closed') return F.isFuture(live.nextFreeAt) ? F.t('machine.freeFrom', { when: F.when(live.nextFreeAt) }) : '';
    if (F.isFuture(live.nextFreeAt)) return F.t('machine.freeAt', { time: F.time(live.nextFreeAt) });
    return '';
  }

  function trainingLine(machine) {
    if (!machine.requiredTraining || A.holds(machine.requiredTraining)) return null;
    return F.el('p', { className: 'warn' }, [F.icon('attention'), ' ', F.t('app.needsTraining', { training: A.trainingName(machine.requiredTraining) })]);
  }

  function machineCard(machine) {
    var live = liveOf(machine.id);
    var status = live ? live.status : null;
    var detail = machineDetail(live);
    return F.el('li', { className: 'card machine' + (status ? ' s-' + status : ''), 'data-machine': machine.id, 'data-status': status }, [
      F.el('h4', {}, [F.bdi(machine.name)]),
      F.el('p', {}, [status ? F.statusBadge(status) : F.el('span', { className: 'muted', text: F.t('common.connecting') })]),
      detail ? F.el('p', { text: detail }) : null,
    ].concat(live ? F.noticeLines(live) : [], [
      live && live.progressPct !== null && live.progressPct !== undefined ? F.progress(live.progressPct, F.t('machine.progressLabel') + ' — ' + machine.name) : null,
      trainingLine(machine),
      F.el('div', { className: 'row' }, [
        A.button(F.t('app.seeTimes'), 'secondary', function () {
          A.openBooking(machine.kind, null, machine.id);
        }, F.t('app.seeTimesFor', { machine: F.isolate(machine.name) }), { 'data-focus': 'times' }),
      ]),
    ]));
  }

  /** While the centre is closed: when it opens, above the machines (each says when it is free). */
  function renderOpening() {
    var text = A.liveView ? F.openingText(A.liveView.opening) : '';
    $('opening').textContent = '';
    if (text) $('opening').appendChild(F.el('span', {}, [F.icon('closed'), ' ', text]));
    $('opening').hidden = !text;
  }

  function kindCount(summary) {
    if (!summary) return null;
    var closed = !A.liveView.opening.open;
    var words = closed ? F.t('status.closed') + ' · ' + F.t('kind.freeAtOpening', { n: summary.freeAtOpening || 0 }) : F.t('kind.freeNow', { n: summary.freeNow });
    return F.el('span', { className: 'count', text: ' · ' + words });
  }

  function renderMachines() {
    renderOpening();
    var box = $('machines');
    box.textContent = '';
    kinds().forEach(function (kind) {
      var summary = A.liveView && A.liveView.kinds.filter(function (k) { return k.kind === kind; })[0];
      var list = F.el('ul', { className: 'cards' });
      box.appendChild(
        F.el('section', { className: 'kind', 'aria-labelledby': 'kind-' + kind }, [
          F.el('h3', { id: 'kind-' + kind }, [
            F.t('kind.' + kind),
            kindCount(summary),
          ]),
          list,
        ]),
      );
      F.patch(
        list,
        A.machines
          .filter(function (m) { return m.kind === kind; })
          .map(function (m) {
            return {
              key: m.id,
              sig: F.lang + JSON.stringify(liveOf(m.id) || null) + A.trainings.length,
              render: function () {
                return machineCard(m);
              },
            };
          }),
      );
    });
  }

  /* ---------- availability ---------- */

  /** `14:00`, or `24:00` for the midnight that ends the day. */
  function hm(ms, date) {
    var z = F.zoned(ms);
    return z.date > date && z.time === '00:00' ? '24:00' : z.time;
  }

  function rangeText(start, end, date) {
    return F.range(hm(start, date), hm(end, date));
  }

  /** The first grid start at or after `ms` (grid counted from the site's midnight). */
  function nextGrid(ms) {
    var base = A.dayStart(F.zoned(ms).date);
    return base + Math.ceil((ms - base) / (GRID * MINUTE)) * GRID * MINUTE;
  }

  function earliest() {
    return nextGrid(F.now() + MINUTE);
  }

  function load() {
    var from = A.dayStart(state.date);
    var to = A.dayStart(A.addDays(state.date, state.mode === 'week' ? 7 : 1));
    var current = fresh();
    $('availability').setAttribute('aria-busy', 'true');
    var query = '?from=' + A.iso(from) + '&to=' + A.iso(to) + '&kind=' + encodeURIComponent(state.kind);
    return A.call('GET', A.site('/availability' + query)).then(function (response) {
      if (!current()) return;
      $('availability').setAttribute('aria-busy', 'false');
      state.data = response.status === 200 ? response.body : null;
      if (!state.data) {
        A.notice(function () {
          return A.errorText(response);
        });
      }
      renderAvailability();
    });
  }

  function intervals(m, from, to) {
    var now = earliest();
    var rows = [];
    m.free.forEach(function (i) {
      var start = Math.max(Date.parse(i.start), from, now);
      var end = Math.min(Date.parse(i.end), to);
      if (end - start >= GRID * MINUTE) rows.push({ free: true, start: start, end: end });
    });
    m.unavailable.forEach(function (i) {
      var start = Math.max(Date.parse(i.start), from);
      var end = Math.min(Date.parse(i.end), to);
      if (i.reason !== 'closed' && end > start && end > now) rows.push({ free: false, start: start, end: end, reason: i.reason });
    });
    return rows.sort(function (a, b) {
      return a.start - b.start;
    });
  }

  function dayMachine(m, date) {
    var machine = A.machine(m.machineId) || { name: m.name, requiredTraining: null };
    var rows = intervals(m, A.dayStart(date), A.dayStart(A.addDays(date, 1)));
    var list = F.el('ul', { className: 'slots' });
    rows.forEach(function (row) {
      var when = rangeText(row.start, row.end, date);
      if (row.free) {
        list.appendChild(
          F.el('li', { className: 'slot free' }, [
            F.el('span', { className: 'slot-text' }, [F.icon('free'), ' ', F.el('strong', { text: F.t('app.slot.free') }), ' ', when]),
            A.button(F.t('app.choose'), 'primary', function () {
              openForm(m, row);
            }, F.t('app.chooseOn', { machine: F.isolate(m.name), range: when }), { 'data-slot': m.machineId }),
          ]),
        );
      } else {
        list.appendChild(
          F.el('li', { className: 'slot busy r-' + row.reason }, [
            F.el('span', { className: 'slot-text' }, [F.icon(REASON_ICON[row.reason]), ' ', F.el('strong', { text: F.t('app.slot.' + row.reason) }), ' ', when]),
          ]),
        );
      }
    });
    var empty = rows.length === 0 || !rows.some(function (r) { return r.free; });
    return F.el('li', { className: 'card avail' + (state.focus === m.machineId ? ' focus' : ''), 'data-machine': m.machineId }, [
      F.el('h4', {}, [F.bdi(m.name)]),
      trainingLine(machine),
      rows.length ? list : null,
      empty ? F.el('p', { className: 'muted', text: F.t('app.slot.noneDay') }) : null,
    ]);
  }

  function weekDay(date) {
    var from = A.dayStart(date);
    var to = A.dayStart(A.addDays(date, 1));
    var machines = 0;
    var longest = null;
    state.data.machines.forEach(function (m) {
      var free = intervals(m, from, to).filter(function (r) { return r.free; });
      if (free.length) machines += 1;
      free.forEach(function (r) {
        if (!longest || r.end - r.start > longest.end - longest.start) longest = r;
      });
    });
    var words = machines
      ? F.t('app.week.free', { n: machines, range: rangeText(longest.start, longest.end, date) })
      : F.t('app.week.none');
    return F.el('li', {}, [
      F.el('button', {
        type: 'button',
        className: 'day' + (machines ? ' has-free' : ''),
        'data-date': date,
        onclick: function () {
          state.mode = 'day';
          state.date = date;
          state.picked = true;
          refresh(true);
        },
      }, [F.el('strong', { text: A.dayName(date) }), F.el('span', {}, [F.icon(machines ? 'free' : 'offline'), ' ', words])]),
    ]);
  }

  function renderAvailability() {
    var box = $('availability');
    box.textContent = '';
    $('show-day').setAttribute('aria-pressed', String(state.mode === 'day'));
    $('show-week').setAttribute('aria-pressed', String(state.mode === 'week'));
    var last = A.addDays(state.date, state.mode === 'week' ? 6 : 0);
    $('book-date').textContent = state.mode === 'week' ? F.t('app.week.range', { from: A.dayName(state.date), to: A.dayName(last) }) : A.dayName(state.date);
    $('prev').setAttribute('aria-label', F.t(state.mode === 'week' ? 'app.book.prevWeek' : 'app.book.prev'));
    $('next').setAttribute('aria-label', F.t(state.mode === 'week' ? 'app.book.nextWeek' : 'app.book.next'));
    $('prev').disabled = state.date <= F.today();
    renderMoving();
    if (!state.data) return;
    var list = F.el('ul', { className: state.mode === 'week' ? 'days' : 'cards' });
    if (state.mode === 'week') {
      for (var i = 0; i < 7; i++) list.appendChild(weekDay(A.addDays(state.date, i)));
    } else {
      state.data.machines.forEach(function (m) {
        // A booking moves on its own machine only.
        if (!A.moving || A.moving.machineId === m.machineId) list.appendChild(dayMachine(m, state.date));
      });
    }
    box.appendChild(list);
    fillWaitSelects();
  }

  function renderMoving() {
    var box = $('moving');
    box.hidden = !A.moving;
    if (!A.moving) return;
    box.textContent = '';
    box.appendChild(F.el('span', { text: F.t('app.move.banner', { machine: F.isolate(A.machineName(A.moving.machineId)), when: F.range(A.moving.start, A.moving.end) }) }));
    box.appendChild(A.button(F.t('app.move.stop'), 'secondary', function () {
      A.moving = null;
      closeForm();
      renderAvailability();
    }));
  }

  function refresh(moveFocus) {
    closeForm();
    return load().then(function () {
      if (moveFocus) $('book-date').focus();
    });
  }

  /* ---------- booking form ---------- */

  function option(value, text, selected) {
    return F.el('option', { value: value, selected: selected, text: text });
  }

  function openForm(m, row) {
    state.chosen = { machineId: m.machineId, name: m.name, start: row.start, end: row.end };
    $('book-form-title').textContent = F.t(A.moving ? 'app.move.title' : 'app.book.formTitle', { machine: F.isolate(m.name), day: A.dayName(state.date) });
    $('book-submit').textContent = F.t(A.moving ? 'app.move.submit' : 'app.book.submit');
    var select = $('book-start');
    select.textContent = '';
    for (var t = row.start; t + GRID * MINUTE <= row.end; t += GRID * MINUTE) select.appendChild(option(t, hm(t, state.date), t === row.start));
    fillDurations();
    F.say($('book-error'), null);
    $('book-form').hidden = false;
    // Under the day's list on a phone, the form is out of sight: bring it in and speak its title.
    $('book-form-title').focus();
  }

  function fillDurations() {
    var start = Number($('book-start').value);
    var select = $('book-duration');
    var keep = Number(select.value) || 60;
    select.textContent = '';
    var room = Math.min(state.chosen.end - start, MAX_LENGTH_MINUTES * MINUTE) / MINUTE;
    for (var minutes = GRID; minutes <= room; minutes += GRID) {
      select.appendChild(option(minutes, A.duration(minutes * 60) + ' · ' + F.range(hm(start, state.date), hm(start + minutes * MINUTE, state.date)), minutes === Math.min(keep, room)));
    }
  }

  function closeForm() {
    $('book-form').hidden = true;
    state.chosen = null;
  }

  function submitForm(event) {
    event.preventDefault();
    if (!state.chosen) return;
    var start = Number($('book-start').value);
    var end = start + Number($('book-duration').value) * MINUTE;
    var chosen = state.chosen;
    var moving = A.moving;
    var button = $('book-submit');
    button.disabled = true;
    var request = moving
      ? A.call('POST', '/api/v1/reservations/' + encodeURIComponent(moving.id) + '/move', { start: A.iso(start), end: A.iso(end) })
      : A.call('POST', '/api/v1/reservations', { machineId: chosen.machineId, start: A.iso(start), end: A.iso(end) });
    request.then(function (response) {
      button.disabled = false;
      if (response.status === 200 || response.status === 201) {
        A.moving = null;
        closeForm();
        A.notice(function () {
          return F.t(moving ? 'app.move.done' : 'app.book.done', { machine: F.isolate(chosen.name), when: F.range(start, end) });
        });
        A.go('bookings');
        return;
      }
      A.showError($('book-error'), response);
      if (response.status === 409) {
        presetWait(start, end);
        $('waitlist').open = true;
      }
    });
  }

  /* ---------- waiting list ---------- */

  function fillWaitSelects() {
    var from = $('wait-from');
    var to = $('wait-to');
    var keepFrom = from.value || '10:00';
    var keepTo = to.value || '12:00';
    from.textContent = '';
    to.textContent = '';
    for (var minutes = 0; minutes <= 24 * 60; minutes += GRID) {
      var text = ('0' + Math.floor(minutes / 60)).slice(-2) + ':' + ('0' + (minutes % 60)).slice(-2);
      if (minutes < 24 * 60) from.appendChild(option(text, text, text === keepFrom));
      if (minutes > 0) to.appendChild(option(text, text, text === keepTo));
    }
  }

  function presetWait(start, end) {
    fillWaitSelects();
    $('wait-from').value = hm(start, state.date);
    $('wait-to').value = hm(end, state.date);
  }

  function joinWait(event) {
    event.preventDefault();
    var from = $('wait-from').value;
    var to = $('wait-to').value;
    var start = A.localMs(state.date, from);
    var end = to === '24:00' ? A.dayStart(A.addDays(state.date, 1)) : A.localMs(state.date, to);
    if (!(end > start)) {
      F.say($('wait-error'), function () {
        return F.t('app.wait.order');
      });
      return;
    }
    A.call('POST', '/api/v1/waitlist', { siteId: F.config.siteId, kind: state.kind, start: A.iso(start), end: A.iso(end) }).then(function (response) {
      if (response.status === 201 || response.status === 200) {
        F.say($('wait-error'), null);
        $('waitlist').open = false;
        var day = state.date;
        var kind = state.kind;
        A.notice(function () {
          return F.t('app.wait.done', { kind: F.t('kind.' + kind), day: A.dayName(day), range: F.range(from, to) });
        });
        return;
      }
      A.showError($('wait-error'), response);
    });
  }

  /* ---------- wiring ---------- */

  /** Opens the booking view on a kind (and a day, a machine to point out). */
  A.openBooking = function (kind, date, machineId) {
    state.kind = kind || state.kind;
    state.picked = !!date && date >= F.today();
    state.date = state.picked ? date : A.firstDay();
    state.focus = machineId || null;
    state.mode = 'day';
    if (A.view === 'book') refresh(true);
    else A.go('book');
  };

  function renderKindSelect() {
    var select = $('book-kind');
    select.textContent = '';
    kinds().forEach(function (kind) {
      select.appendChild(option(kind, F.t('kind.' + kind), kind === state.kind));
    });
  }

  A.module({
    start: function () {
      state.kind = state.kind || kinds()[0];
      state.date = state.date || F.today();
      renderKindSelect();
      renderMachines();
      fillWaitSelects();
    },
    live: function () {
      if (A.view === 'machines') renderMachines();
    },
    render: function () {
      renderKindSelect();
      renderMachines();
      if (state.data) renderAvailability();
      if (state.chosen) closeForm();
    },
    stop: function () {
      state.data = null;
      A.moving = null;
      closeForm();
    },
    views: {
      machines: renderMachines,
      book: function () {
        if (!state.picked) state.date = A.firstDay();
        renderKindSelect();
        load().then(function () {
          var card = state.focus && $('availability').querySelector('[data-machine="' + state.focus + '"]');
          if (card && card.scrollIntoView) card.scrollIntoView({ block: 'start' });
        });
      },
    },
  });

  $('book-kind').addEventListener('change', function (event) {
    state.kind = event.target.value;
    state.focus = null;
    refresh(false);
  });
  $('show-day').addEventListener('click', function () {
    state.mode = 'day';
    refresh(false);
  });
  $('show-week').addEventListener('click', function () {
    state.mode = 'week';
    refresh(false);
  });
  $('prev').addEventListener('click', function () {
    var date = A.addDays(state.date, state.mode === 'week' ? -7 : -1);
    state.date = date < F.today() ? F.today() : date;
    state.picked = true;
    refresh(false);
  });
  $('next').addEventListener('click', function () {
    state.date = A.addDays(state.date, state.mode === 'week' ? 7 : 1);
    state.picked = true;
    refresh(false);
  });
  $('to-today').addEventListener('click', function () {
    state.date = F.today();
    state.picked = true;
    refresh(false);
  });
  $('book-start').addEventListener('change', fillDurations);
  $('book-form').addEventListener('submit', submitForm);
  $('book-close').addEventListener('click', function () {
    closeForm();
    $('book-date').focus();
  });
  $('wait-form').addEventListener('submit', joinWait);
})();
