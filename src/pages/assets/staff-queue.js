/*
 * Staff pages — the job queue (reorder, cancel, why a job waits), build areas to confirm empty,
 * and the site's alerts.
 */
/* global window */
(function () {
  'use strict';

  var F = window.Fabrique;
  var S = F.staff;
  var SEVERITY_ICON = { info: 'info', warning: 'attention', error: 'error', fatal: 'error' };
  var q = { queued: [], running: [], sending: {} };

  function jobName(job) {
    return job.name || F.t('staff.q.unnamed');
  }

  /** Whose job it is: staff hand the finished parts over (the API names makers to staff only). */
  function maker(job) {
    if (!job.makerName) return null;
    return F.el('span', { className: 'maker', 'data-maker': job.makerId }, [' · ', F.t('staff.q.for'), ' ', F.bdi(job.makerName)]);
  }

  function waitText(job) {
    if (!job.waitingFor) return F.t('staff.q.wait.pending');
    var key = 'staff.q.wait.' + job.waitingFor;
    var text = F.t(key);
    return text === key ? F.t('staff.q.wait.other') : text;
  }

  function move(job, beforeJobId) {
    S.call('PATCH', '/api/v1/jobs/' + encodeURIComponent(job.id) + '/position', { beforeJobId: beforeJobId }).then(function (r) {
      if (r.status !== 200) return S.notice(S.errorText(r));
      S.notice(F.t('staff.q.moved', { job: F.isolate(jobName(job)) }));
      load().then(function () {
        var again = q.list.querySelector('li[data-job="' + job.id + '"] button[data-action="up"]:not([disabled])') ||
          q.list.querySelector('li[data-job="' + job.id + '"] button[data-action]');
        if (again) again.focus();
      });
    });
  }

  function cancel(job) {
    S.call('POST', '/api/v1/jobs/' + encodeURIComponent(job.id) + '/cancel').then(function (r) {
      if (r.status !== 200 && r.status !== 202) return S.notice(S.errorText(r));
      S.notice(F.t('staff.q.cancelled', { job: F.isolate(jobName(job)) }));
      load().then(function () {
        q.list.parentNode.querySelector('h3').focus();
      });
    });
  }

  function renderQueue() {
    var list = q.list;
    list.textContent = '';
    if (!q.queued.length) list.appendChild(F.el('li', {}, [S.empty('staff.q.empty')]));
    q.queued.forEach(function (job, i) {
      var label = ' — ' + jobName(job);
      var before = i > 0 ? q.queued[i - 1].id : null;
      var after = i + 2 < q.queued.length ? q.queued[i + 2].id : null;
      list.appendChild(
        F.el('li', { className: 'job', 'data-job': job.id }, [
          F.el('span', { className: 'pos', text: String(i + 1) }),
          F.el('div', { className: 'job-main' }, [
            F.el('p', {}, [F.el('strong', {}, [F.bdi(jobName(job))]), ' · ', F.t('staff.kind.' + job.kind), maker(job),
              job.staffPriority ? F.el('span', { className: 'tag', text: F.t('staff.q.priority') }) : null,
              job.targetMachineId ? F.el('span', {}, [' · ', F.bdi(S.machineName(job.targetMachineId))]) : null]),
            F.el('p', { className: 'wait' }, [F.icon('soon'), ' ', waitText(job)]),
          ]),
          F.el('div', { className: 'actions' }, [
            S.button('staff.q.up', function () {
              move(job, before);
            }, 'secondary', { disabled: i === 0, 'aria-label': F.t('staff.q.up') + label, 'data-action': 'up' }),
            S.button('staff.q.down', function () {
              move(job, after);
            }, 'secondary', { disabled: i === q.queued.length - 1, 'aria-label': F.t('staff.q.down') + label, 'data-action': 'down' }),
            S.button('staff.q.cancel', function () {
              cancel(job);
            }, 'danger', { 'aria-label': F.t('staff.q.cancel') + label, 'data-action': 'cancel-job' }),
          ]),
        ]),
      );
    });
    var running = q.runningList;
    running.textContent = '';
    if (!q.running.length) running.appendChild(F.el('li', {}, [S.empty('staff.q.noneRunning')]));
    q.running.forEach(function (job) {
      var pct = job.progress && job.progress.pct;
      running.appendChild(
        F.el('li', { className: 'job', 'data-job': job.id }, [
          F.el('p', {}, [F.el('strong', {}, [F.bdi(jobName(job))]), ' · ', F.bdi(S.machineName(job.machineId)), ' · ', F.t('staff.q.state.' + job.state), maker(job)]),
          typeof pct === 'number' ? F.progress(pct, F.t('machine.progressLabel') + ' — ' + jobName(job)) : null,
          S.button('staff.q.cancel', function () {
            cancel(job);
          }, 'danger', { 'aria-label': F.t('staff.q.cancel') + ' — ' + jobName(job), 'data-action': 'cancel-job', disabled: job.cancelRequested }),
        ]),
      );
    });
  }

  function clear(machine) {
    q.sending[machine.id] = true;
    renderClear();
    S.call('POST', '/api/v1/machines/' + encodeURIComponent(machine.id) + '/clear').then(function (r) {
      delete q.sending[machine.id];
      if (r.status === 202) S.notice(F.t('board.clearSent', { machine: F.isolate(machine.name) }));
      else {
        var key = 'board.err.' + (r.body && r.body.code);
        S.notice(F.t(key) !== key ? F.t(key) : S.errorText(r));
      }
      renderClear();
    });
  }

  function renderClear() {
    var list = q.clearList;
    if (!list) return;
    list.textContent = '';
    var waiting = S.machines.filter(function (m) {
      return S.live[m.id] && S.live[m.id].state === 'awaiting_clear';
    });
    if (!waiting.length) list.appendChild(F.el('li', {}, [S.empty('staff.q.noneToClear')]));
    waiting.forEach(function (m) {
      var busy = !!q.sending[m.id];
      list.appendChild(
        F.el('li', { className: 'to-clear', 'data-machine': m.id }, [
          F.el('p', {}, [F.statusBadge('needs_attention'), ' ', F.el('strong', {}, [F.bdi(m.name)]), ' · ', F.t('attention.awaiting_clear')]),
          F.el('button', {
            type: 'button',
            className: 'primary',
            'data-action': 'clear',
            'aria-disabled': busy ? 'true' : null,
            'aria-label': busy ? null : F.t('board.clearFor', { machine: F.isolate(m.name) }),
            text: busy ? F.t('board.sending') : F.t('board.clear'),
            onclick: function () {
              if (!busy) clear(m);
            },
          }),
        ]),
      );
    });
  }
  S.onLive = renderClear;

  var fresh = F.newest();

  function load() {
    var current = fresh();
    var base = '/api/v1/jobs?siteId=' + encodeURIComponent(F.config.siteId) + '&state=';
    return Promise.all([S.call('GET', base + 'queued'), S.call('GET', base + 'active'), S.loadLive()]).then(function (answers) {
      if (!current()) return;
      if (answers[0].status === 200) q.queued = answers[0].body;
      if (answers[1].status === 200) {
        q.running = answers[1].body.filter(function (j) {
          return j.state !== 'queued';
        });
      }
      renderQueue();
      renderClear();
    });
  }

  S.view('queue', {
    build: function (root) {
      q.list = F.el('ol', { className: 'queue' });
      q.runningList = F.el('ul', { className: 'running' });
      q.clearList = F.el('ul', { className: 'clear-list' });
      root.appendChild(
        F.el('div', { className: 'toolbar' }, [S.button('staff.refresh', load), F.el('a', { href: '/board/' + encodeURIComponent(F.config.siteId), 'data-i18n': 'staff.boardLink', text: F.t('staff.boardLink') })]),
      );
      root.appendChild(S.panel('staff.q.clearTitle', [S.tx('p', 'staff.q.clearHelp', { className: 'help' }), q.clearList]));
      root.appendChild(S.panel('staff.q.queueTitle', [S.tx('p', 'staff.q.queueHelp', { className: 'help' }), q.list]));
      root.appendChild(S.panel('staff.q.runningTitle', [q.runningList]));
    },
    show: load,
    refresh: function () {
      renderQueue();
      renderClear();
    },
  });

  /* ================= alerts ================= */

  var a = {};

  function renderAlerts() {
    var list = a.list;
    if (!list) return;
    list.textContent = '';
    if (!S.alerts.length) list.appendChild(F.el('li', {}, [S.empty('board.noAlerts')]));
    S.alerts.forEach(function (alert) {
      var fromMachine = alert.kind === 'intervention_waiting' || alert.kind === 'machine_error';
      list.appendChild(
        F.el('li', { className: 'alert sev-' + alert.severity, 'data-alert': alert.kind }, [
          F.el('p', {}, [
            F.icon(SEVERITY_ICON[alert.severity] || 'attention'),
            ' ',
            F.el('strong', { text: F.t('severity.' + alert.severity) }),
            ' · ',
            F.bdi(S.machineName(alert.machineId)),
            ' · ',
            F.t('alert.' + alert.kind),
            ' ',
            F.el('span', { className: 'sub', text: F.t('board.since', { time: F.time(alert.raisedAt) }) }),
          ]),
          fromMachine ? F.el('p', { className: 'sub' }, [F.el('bdi', { lang: 'en', text: alert.message })]) : null,
          alert.kind === 'awaiting_clear_too_long' ? F.el('a', { href: '#queue', text: F.t('staff.a.toQueue') }) : null,
        ]),
      );
    });
  }

  S.view('alerts', {
    build: function (root) {
      a.list = F.el('ul', { className: 'alerts' });
      root.appendChild(
        F.el('div', { className: 'toolbar' }, [S.button('staff.refresh', S.loadAlerts), F.el('a', { href: '/board/' + encodeURIComponent(F.config.siteId), 'data-i18n': 'staff.boardLink', text: F.t('staff.boardLink') })]),
      );
      root.appendChild(a.list);
    },
    show: function () {
      renderAlerts();
      return S.loadAlerts();
    },
    refresh: renderAlerts,
  });
})();
