/*
 * Staff pages — machines (live state, service status, capabilities, maintenance and its log) and
 * blocks (one-off and weekly workshops or maintenance windows, with the bookings they land on).
 */
/* global window */
(function () {
  'use strict';

  var F = window.Fabrique;
  var S = F.staff;
  var KINDS = ['fdm_printer', 'embroidery', 'laser_cutter', 'cnc', 'other'];
  var ADMIN_ICON = { active: 'free', maintenance: 'maintenance', retired: 'offline' };
  var ADMIN_CLASS = { active: 's-free', maintenance: 's-maintenance', retired: 's-offline' };
  var DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

  /* ================= machines ================= */

  var m = { live: {}, body: null, panel: null, list: null };

  function adminBadge(status) {
    return F.el('span', { className: 'badge ' + ADMIN_CLASS[status], 'data-admin': status }, [
      F.icon(ADMIN_ICON[status] || 'attention'),
      F.el('span', { text: F.t('staff.admin.' + status) }),
    ]);
  }

  function liveText(id) {
    var live = m.live[id];
    if (!live) return F.t('state.unknown');
    var text = F.t('state.' + live.state);
    var pct = live.snapshot && live.snapshot.job && live.snapshot.job.progressPct;
    if (typeof pct === 'number') text += ' · ' + F.percent(pct);
    return text;
  }

  function renderMachines() {
    var body = m.list;
    body.textContent = '';
    S.machines.forEach(function (machine) {
      var label = ' — ' + machine.name;
      var actions = [
        S.button('staff.m.edit', function () {
          openEditor(machine);
        }, 'secondary', { 'aria-label': F.t('staff.m.edit') + label, 'data-action': 'edit' }),
        machine.adminStatus === 'active'
          ? S.button('staff.m.toMaintenance', function () {
              openStatus(machine);
            }, 'secondary', { 'aria-label': F.t('staff.m.toMaintenance') + label, 'data-action': 'maintenance' })
          : S.button('staff.m.toActive', function () {
              setStatus(machine, 'active', null);
            }, 'secondary', { 'aria-label': F.t('staff.m.toActive') + label, 'data-action': 'activate' }),
        S.button('staff.m.log', function () {
          openLog(machine);
        }, 'secondary', { 'aria-label': F.t('staff.m.log') + label, 'data-action': 'log' }),
      ];
      body.appendChild(
        F.el('tr', { 'data-machine': machine.id }, [
          F.el('th', { scope: 'row' }, [F.bdi(machine.name), F.el('span', { className: 'sub', text: [machine.vendor, machine.model].filter(Boolean).join(' ') })]),
          F.el('td', { text: F.t('staff.kind.' + machine.kind) }),
          F.el('td', { className: 'live', text: liveText(machine.id) }),
          F.el('td', {}, [
            adminBadge(machine.adminStatus),
            machine.adminStatusReason ? F.el('span', { className: 'sub' }, [F.bdi(machine.adminStatusReason)]) : null,
            machine.publicReason ? F.el('span', { className: 'sub public' }, [F.t('staff.m.public'), ' ', F.bdi(machine.publicReason)]) : null,
            machine.expectedBackAt ? F.el('span', { className: 'sub', text: F.t('machine.backAt', { when: F.when(machine.expectedBackAt) }) }) : null,
          ]),
          F.el('td', { className: 'actions' }, actions),
        ]),
      );
    });
  }

  function loadLive() {
    return Promise.all(
      S.machines.map(function (machine) {
        return S.call('GET', '/api/v1/machines/' + encodeURIComponent(machine.id) + '/live').then(function (r) {
          if (r.status === 200) m.live[machine.id] = r.body;
        });
      }),
    ).then(function () {
      if (S.current() === 'queue' && S.onLive) S.onLive();
      return m.live;
    });
  }
  S.loadLive = loadLive;
  S.live = m.live;

  function reload() {
    return S.loadMachines().then(loadLive).then(renderMachines);
  }

  function showPanel(titleKey, children) {
    m.panel.textContent = '';
    var panel = S.panel(titleKey, children, { className: 'editor' });
    m.panel.appendChild(panel);
    panel.querySelector('h3').focus();
    return panel;
  }

  function closePanel() {
    m.panel.textContent = '';
    m.list.parentNode.querySelector('caption').focus();
  }

  function csv(text) {
    return text
      .split(',')
      .map(function (s) {
        return s.trim();
      })
      .filter(Boolean);
  }

  function num(text) {
    var n = Number(String(text).replace(',', '.'));
    return text === '' || isNaN(n) ? undefined : n;
  }

  /** Create (machine null) or edit: name, vendor, model and the capabilities jobs are matched on. */
  function openEditor(machine) {
    var caps = (machine && machine.capabilities) || {};
    var vol = caps.buildVolumeMm || [];
    var f = {
      name: S.input({ required: true, value: machine ? machine.name : '', autocomplete: 'off' }),
      kind: S.select(KINDS.map(function (k) {
        return [k, 'staff.kind.' + k];
      }), { disabled: !!machine }),
      vendor: S.input({ value: (machine && machine.vendor) || '' }),
      model: S.input({ value: (machine && machine.model) || '' }),
      x: S.input({ inputmode: 'decimal', value: vol[0] || '', className: 'short' }),
      y: S.input({ inputmode: 'decimal', value: vol[1] || '', className: 'short' }),
      z: S.input({ inputmode: 'decimal', value: vol[2] || '', className: 'short' }),
      nozzle: S.input({ inputmode: 'decimal', value: caps.nozzleMm || '', className: 'short' }),
      materials: S.input({ value: (caps.materials || []).join(', ') }),
      hoops: S.input({ value: (caps.hoopsMm || []).map(function (h) {
        return h.join('×');
      }).join(', ') }),
      needles: S.input({ inputmode: 'numeric', value: caps.needles || '', className: 'short' }),
      speed: S.input({ inputmode: 'numeric', value: caps.stitchesPerMinute || '', className: 'short' }),
      operator: S.checkbox('staff.m.needsOperator'),
    };
    if (machine) f.kind.value = machine.kind;
    f.operator.querySelector('input').checked = !!caps.needsOperator;
    var form = F.el('form', { novalidate: true, className: 'grid-form' }, [
      S.field('staff.m.name', f.name),
      S.field('staff.m.kind', f.kind),
      S.field('staff.m.vendor', f.vendor),
      S.field('staff.m.model', f.model),
      F.el('fieldset', { className: 'wide' }, [
        S.tx('legend', 'staff.m.buildVolume'),
        F.el('div', { className: 'row' }, [S.field('staff.m.x', f.x), S.field('staff.m.y', f.y), S.field('staff.m.z', f.z)]),
      ]),
      S.field('staff.m.nozzle', f.nozzle),
      S.field('staff.m.materials', f.materials, 'staff.m.materialsHint'),
      S.field('staff.m.hoops', f.hoops, 'staff.m.hoopsHint'),
      S.field('staff.m.needles', f.needles),
      S.field('staff.m.speed', f.speed),
      f.operator,
      F.el('div', { className: 'buttons wide' }, [
        S.button(machine ? 'staff.save' : 'staff.m.create', null, 'primary', { type: 'submit' }),
        S.button('staff.close', closePanel),
      ]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var next = {};
      Object.keys(caps).forEach(function (k) {
        next[k] = caps[k];
      });
      var box = [num(f.x.value), num(f.y.value), num(f.z.value)];
      if (box[0] && box[1] && box[2]) next.buildVolumeMm = box;
      else delete next.buildVolumeMm;
      var set = function (key, value) {
        if (value === undefined || (value && value.length === 0)) delete next[key];
        else next[key] = value;
      };
      set('nozzleMm', num(f.nozzle.value));
      set('materials', csv(f.materials.value));
      set('hoopsMm', csv(f.hoops.value).map(function (h) {
        return h.split(/[x×*]/i).map(Number);
      }).filter(function (h) {
        return h.length === 2 && h[0] > 0 && h[1] > 0;
      }));
      set('needles', num(f.needles.value));
      set('stitchesPerMinute', num(f.speed.value));
      next.needsOperator = f.operator.querySelector('input').checked;
      if (!f.name.value.trim()) return S.formError(form, F.t('staff.m.nameNeeded'));
      var body = { name: f.name.value.trim(), capabilities: next };
      if (f.vendor.value.trim()) body.vendor = f.vendor.value.trim();
      if (f.model.value.trim()) body.model = f.model.value.trim();
      var request = machine
        ? S.call('PATCH', '/api/v1/machines/' + encodeURIComponent(machine.id), body)
        : S.call('POST', S.site + '/machines', Object.assign({ kind: f.kind.value }, body));
      request.then(function (r) {
        if (r.status !== 200 && r.status !== 201) return S.formError(form, S.errorText(r));
        S.notice(F.t(machine ? 'staff.m.saved' : 'staff.m.created', { machine: F.isolate(r.body.name) }));
        reload().then(closePanel);
      });
    });
    showPanel(machine ? 'staff.m.editTitle' : 'staff.m.createTitle', [machine ? F.el('p', { className: 'lead' }, [F.bdi(machine.name)]) : null, form]);
    f.name.focus();
  }

  function setStatus(machine, status, reason, form, notice) {
    var body = { status: status };
    if (reason) body.reason = reason;
    if (notice && notice.publicReason) body.publicReason = notice.publicReason;
    if (notice && notice.expectedBackAt) body.expectedBackAt = notice.expectedBackAt;
    return S.call('POST', '/api/v1/machines/' + encodeURIComponent(machine.id) + '/status', body).then(function (r) {
      if (r.status !== 200 && r.status !== 201) {
        if (form) S.formError(form, S.errorText(r));
        else S.notice(S.errorText(r));
        return;
      }
      S.notice(F.t('staff.m.statusSaved', { machine: F.isolate(machine.name), status: F.t('staff.admin.' + status) }));
      if (form) m.panel.textContent = '';
      reload().then(function () {
        var row = m.list.querySelector('tr[data-machine="' + machine.id + '"] button[data-action]');
        if (row) row.focus();
      });
    });
  }

  /**
   * Out of service: staff's own note (the log; may name people or suppliers), and what the kiosk
   * and the makers' app may say: a public reason and when the machine should be back.
   */
  function openStatus(machine) {
    var reason = F.el('textarea', { rows: 2, required: true, maxlength: 500 });
    var status = S.select([['maintenance', 'staff.admin.maintenance'], ['retired', 'staff.admin.retired']]);
    var publicReason = S.input({ maxlength: 200, 'data-field': 'publicReason' });
    var backDate = S.dateInput();
    var backTime = S.timeInput('10:00', 30);
    var form = F.el('form', { novalidate: true, 'data-form': 'status' }, [
      F.el('p', { className: 'lead' }, [F.bdi(machine.name)]),
      S.field('staff.m.newStatus', status),
      S.field('staff.m.reason', reason, 'staff.m.reasonHint'),
      S.field('staff.m.publicReason', publicReason, 'staff.m.publicReasonHint'),
      F.el('div', { className: 'row' }, [S.field('staff.m.backDate', backDate, 'staff.m.backHint'), S.field('staff.m.backTime', backTime)]),
      F.el('div', { className: 'buttons' }, [S.button('staff.m.confirmStatus', null, 'primary', { type: 'submit' }), S.button('staff.close', closePanel)]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (reason.value.trim().length < 1) {
        reason.setAttribute('aria-invalid', 'true');
        return S.formError(form, F.t('staff.m.reasonNeeded'));
      }
      var notice = {
        publicReason: publicReason.value.trim(),
        expectedBackAt: backDate.value ? S.zonedIso(backDate.value, backTime.value) : null,
      };
      setStatus(machine, status.value, reason.value.trim(), form, notice);
    });
    showPanel('staff.m.statusTitle', [form]);
    reason.focus();
  }

  function openLog(machine) {
    var list = F.el('ol', { className: 'log' });
    showPanel('staff.m.logTitle', [F.el('p', { className: 'lead' }, [F.bdi(machine.name)]), list, F.el('div', { className: 'buttons' }, [S.button('staff.close', closePanel)])]);
    S.call('GET', '/api/v1/machines/' + encodeURIComponent(machine.id) + '/maintenance-log').then(function (r) {
      if (r.status !== 200) return list.appendChild(F.el('li', { text: S.errorText(r) }));
      if (!r.body.length) list.parentNode.insertBefore(S.empty('staff.m.logEmpty'), list);
      r.body
        .slice()
        .reverse()
        .forEach(function (entry) {
          list.appendChild(
            F.el('li', {}, [
              F.el('time', { datetime: entry.at, text: S.dateText(F.zoned(Date.parse(entry.at)).date) + ' ' + F.zoned(Date.parse(entry.at)).time }),
              ' · ',
              adminBadge(entry.status),
              entry.reason ? F.el('span', {}, [' · ', F.bdi(entry.reason)]) : null,
            ]),
          );
        });
    });
  }

  S.view('machines', {
    build: function (root) {
      m.list = F.el('tbody');
      m.panel = F.el('div', { className: 'panel-slot' });
      root.appendChild(
        F.el('div', { className: 'toolbar' }, [
          S.button('staff.m.add', function () {
            openEditor(null);
          }, 'primary', { 'data-action': 'add-machine' }),
          S.button('staff.refresh', reload),
        ]),
      );
      root.appendChild(
        F.el('table', { className: 'table machines' }, [
          S.tx('caption', 'staff.m.caption', { tabindex: '-1' }),
          F.el('thead', {}, [
            F.el('tr', {}, ['staff.m.col.machine', 'staff.m.col.kind', 'staff.m.col.live', 'staff.m.col.status', 'staff.m.col.actions'].map(function (k) {
              return S.tx('th', k, { scope: 'col' });
            })),
          ]),
          m.list,
        ]),
      );
      root.appendChild(m.panel);
    },
    show: reload,
    refresh: renderMachines,
  });

  /* ================= blocks ================= */

  var b = { list: null, result: null, blocks: [] };

  function blockWhen(block) {
    if (block.start) return S.when(block.start, block.end);
    var w = block.weekly;
    var days = w.days
      .map(function (d) {
        return F.t('staff.day.' + d);
      })
      .join(', ');
    var text = F.t('staff.b.every', { days: days, range: F.range(w.from, w.to), from: S.dateText(w.startDate) });
    if (w.untilDate) text += ' ' + F.t('staff.b.until', { date: S.dateText(w.untilDate) });
    return text;
  }

  function renderBlocks() {
    var list = b.list;
    list.textContent = '';
    if (!b.blocks.length) list.appendChild(F.el('li', {}, [S.empty('staff.b.none')]));
    b.blocks.forEach(function (block) {
      list.appendChild(
        F.el('li', { className: 'block', 'data-block': block.id }, [
          F.el('p', {}, [F.el('strong', { text: blockWhen(block) }), ' · ', F.t('block.' + block.category)]),
          F.el('p', {}, [F.bdi(block.reason)]),
          F.el('p', { className: 'sub', text: block.machineIds.map(S.machineName).join(', ') }),
          S.button('staff.b.cancel', function () {
            S.call('POST', S.site + '/blocks/' + encodeURIComponent(block.id) + '/cancel').then(function (r) {
              if (r.status !== 200) return S.notice(S.errorText(r));
              S.notice(F.t('staff.b.cancelled'));
              loadBlocks().then(function () {
                b.list.parentNode.querySelector('h3').focus();
              });
            });
          }, 'secondary', { 'aria-label': F.t('staff.b.cancel') + ' — ' + block.reason, 'data-action': 'cancel-block' }),
        ]),
      );
    });
  }

  function loadBlocks() {
    return S.call('GET', S.site + '/blocks').then(function (r) {
      if (r.status === 200) b.blocks = r.body;
      renderBlocks();
    });
  }

  function renderConflicts(block) {
    var slot = b.result;
    slot.textContent = '';
    var items = block.conflicts.map(function (c) {
      var res = c.reservation;
      var cancel = S.button('staff.b.cancelBooking', function () {
        S.call('POST', '/api/v1/reservations/' + encodeURIComponent(res.id) + '/cancel').then(function (r) {
          if (r.status !== 200) return S.notice(S.errorText(r));
          cancel.disabled = true;
          cancel.textContent = F.t('reservation.cancelled');
          S.notice(F.t('staff.b.bookingCancelled'));
        });
      }, 'secondary', { 'data-action': 'cancel-booking' });
      return F.el('li', { 'data-reservation': res.id }, [
        F.el('strong', { text: S.when(res.start, res.end) }),
        ' · ',
        F.bdi(S.machineName(res.machineId)),
        ' ',
        cancel,
      ]);
    });
    var panel = S.panel('staff.b.resultTitle', [
      F.el('p', { className: 'lead', text: F.t('staff.b.created', { reason: F.isolate(block.reason) }) }),
      F.el('p', { text: F.t('staff.b.conflicts', { n: block.conflicts.length }) }),
      items.length ? F.el('ul', { className: 'conflicts' }, items) : null,
    ], { className: 'result', 'data-result': 'block' });
    slot.appendChild(panel);
    panel.querySelector('h3').focus();
  }

  function blockForm() {
    var today = F.today();
    var reason = S.input({ required: true, maxlength: 500, minlength: 3 });
    var category = S.select([['workshop', 'block.workshop'], ['maintenance', 'block.maintenance'], ['other', 'block.other']]);
    var target = S.select([]);
    var oneOff = S.input({ type: 'radio', name: 'repeat', value: 'once', checked: true, id: S.id('r') });
    var weekly = S.input({ type: 'radio', name: 'repeat', value: 'weekly', id: S.id('r') });
    var date = S.dateInput({ value: today, required: true });
    var from = S.timeInput('14:00', 15);
    var to = S.timeInput('18:00', 15);
    var until = S.dateInput();
    var days = F.el('fieldset', { className: 'days' }, [S.tx('legend', 'staff.b.days')].concat(DAYS.map(function (d) {
      return S.checkbox('staff.day.' + d, { value: d, name: 'day' });
    })));
    var weeklyPart = F.el('div', { hidden: true, className: 'weekly' }, [days, S.field('staff.b.until2', until, 'staff.b.untilHint')]);

    function fillTargets() {
      var options = KINDS.filter(function (k) {
        return S.machines.some(function (x) {
          return x.kind === k;
        });
      }).map(function (k) {
        return ['kind:' + k, F.t('staff.b.allOf', { kind: F.t('staff.kind.' + k) }), true];
      });
      S.machines.forEach(function (x) {
        options.push(['machine:' + x.id, x.name, true]);
      });
      S.fillSelect(target, options);
    }
    fillTargets();

    var form = F.el('form', { novalidate: true, className: 'grid-form', 'data-form': 'block' }, [
      S.field('staff.b.reason', reason, 'staff.b.reasonHint'),
      S.field('staff.b.category', category),
      S.field('staff.b.target', target),
      F.el('fieldset', { className: 'repeat' }, [
        S.tx('legend', 'staff.b.repeat'),
        F.el('div', { className: 'check' }, [oneOff, S.tx('label', 'staff.b.once', { for: oneOff.id })]),
        F.el('div', { className: 'check' }, [weekly, S.tx('label', 'staff.b.weekly', { for: weekly.id })]),
      ]),
      S.field('staff.b.date', date, 'staff.b.dateHint'),
      S.field('staff.b.from', from),
      S.field('staff.b.to', to),
      F.el('div', { className: 'wide' }, [weeklyPart]),
      F.el('div', { className: 'buttons wide' }, [S.button('staff.b.submit', null, 'primary', { type: 'submit' })]),
    ]);
    var toggle = function () {
      weeklyPart.hidden = !weekly.checked;
      date.querySelector('legend').textContent = F.t(weekly.checked ? 'staff.b.startDate' : 'staff.b.date');
      date.querySelector('legend').setAttribute('data-i18n', weekly.checked ? 'staff.b.startDate' : 'staff.b.date');
    };
    oneOff.addEventListener('change', toggle);
    weekly.addEventListener('change', toggle);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(form, '');
      if (reason.value.trim().length < 3) return S.formError(form, F.t('staff.b.reasonNeeded'));
      if (!date.value || !from.value || !to.value || from.value >= to.value) return S.formError(form, F.t('staff.b.timesWrong'));
      var body = { reason: reason.value.trim(), category: category.value };
      var t = target.value.split(':');
      if (t[0] === 'kind') body.kind = t[1];
      else body.machineIds = [t[1]];
      if (weekly.checked) {
        var chosen = Array.prototype.map.call(days.querySelectorAll('input:checked'), function (i) {
          return i.value;
        });
        if (!chosen.length) return S.formError(form, F.t('staff.b.daysNeeded'));
        body.weekly = { days: chosen, from: from.value, to: to.value, startDate: date.value };
        if (until.value) body.weekly.untilDate = until.value;
      } else {
        body.start = S.zonedIso(date.value, from.value);
        body.end = S.zonedIso(date.value, to.value);
      }
      S.call('POST', S.site + '/blocks', body).then(function (r) {
        if (r.status !== 201) return S.formError(form, S.errorText(r));
        reason.value = '';
        renderConflicts(r.body);
        loadBlocks();
      });
    });
    form.fillTargets = fillTargets;
    return form;
  }

  S.view('blocks', {
    build: function (root) {
      b.form = blockForm();
      b.result = F.el('div', { className: 'panel-slot', 'aria-live': 'polite' });
      b.list = F.el('ul', { className: 'blocks' });
      root.appendChild(S.panel('staff.b.newTitle', [b.form]));
      root.appendChild(b.result);
      root.appendChild(S.panel('staff.b.listTitle', [b.list]));
    },
    show: function () {
      b.form.fillTargets();
      return loadBlocks();
    },
    refresh: function () {
      b.form.fillTargets();
      renderBlocks();
    },
  });
})();
