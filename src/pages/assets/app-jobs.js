/*
 * My jobs: upload a file, read what it says about itself in plain words, queue it, follow it live
 * (each unfinished job read again every few seconds), cancel it. And my trainings.
 */
/* global window, FormData, setTimeout, clearTimeout */
(function () {
  'use strict';

  var F = window.Fabrique;
  var A = window.FabriqueApp;
  var $ = A.$;
  var POLL_MS = 3000;
  var ENDED = { completed: true, failed: true, cancelled: true, lost: true };
  var STATE_ICON = {
    draft: 'job', queued: 'soon', dispatching: 'in-use', accepted: 'in-use', transferring: 'in-use', running: 'in-use',
    paused: 'attention', needs_attention: 'attention', completed: 'free', failed: 'attention', cancelled: 'offline', lost: 'attention',
  };

  var jobs = [];
  var confirming = null;
  var busy = {};
  /** The last refusal of an action on a job, shown on its card until the next action. */
  var failed = {};
  var timer = null;

  function number(value, digits) {
    return new Intl.NumberFormat(F.locale, { maximumFractionDigits: digits || 0 }).format(value);
  }

  function unknown(value, text) {
    return value === null || value === undefined ? F.t('app.est.unknown') : text;
  }

  /** What the file says, as a short list: time, material, layers or stitches, colours, size. */
  function estimate(job) {
    var m = job.metadata || {};
    var rows = [[F.t('app.est.time'), unknown(job.estimatedSeconds, F.t('app.est.about', { time: A.duration(job.estimatedSeconds || 0) }))]];
    if (job.kind === 'embroidery') {
      rows.push([F.t('app.est.stitches'), unknown(m.stitches, number(m.stitches || 0))]);
      rows.push([F.t('app.est.colours'), unknown(m.colorBlocks, number(m.colorBlocks || 0))]);
      rows.push([F.t('app.est.size'), unknown(m.widthMm, F.t('app.est.mm2', { w: number(m.widthMm || 0, 1), h: number(m.heightMm || 0, 1) }))]);
    } else {
      var grams = m.filamentGrams;
      var metres = m.filamentMm ? F.t('app.est.metres', { m: number(m.filamentMm / 1000, 1) }) : '';
      rows.push([F.t('app.est.filament'), unknown(grams, F.t('app.est.grams', { g: number(grams || 0, 1) }) + (metres ? ' (' + metres + ')' : ''))]);
      rows.push([F.t('app.est.layers'), unknown(m.layers, number(m.layers || 0))]);
      if (m.material) rows.push([F.t('app.est.material'), m.material]);
      if (m.nozzleMm) rows.push([F.t('app.est.nozzle'), F.t('app.est.mm', { n: number(m.nozzleMm, 2) })]);
    }
    var list = F.el('dl', { className: 'estimate' });
    rows.forEach(function (row) {
      list.appendChild(F.el('div', {}, [F.el('dt', { text: row[0] }), F.el('dd', {}, [F.el('bdi', { text: row[1] })])]));
    });
    return list;
  }

  function stateLine(job) {
    var words = [F.t('app.state.' + job.state)];
    if (job.state === 'queued' && job.waitingFor) words.push(F.t('app.waitFor.' + job.waitingFor));
    if (job.state === 'failed' && job.failureReason) words.push(F.t('app.job.why', { reason: job.failureReason }));
    if (job.cancelRequested && !ENDED[job.state]) words.push(F.t('app.job.stopping'));
    return F.el('p', { className: 'job-state st-' + job.state, 'data-state': job.state }, [F.icon(STATE_ICON[job.state] || 'job'), ' ', F.el('span', { text: words.join(' — ') })]);
  }

  function progress(job) {
    var p = job.progress;
    if (!p || ENDED[job.state] || job.state === 'queued' || job.state === 'draft') return null;
    var parts = [];
    if (p.pct !== null && p.pct !== undefined) parts.push(F.progress(p.pct, F.t('app.job.progress') + ' — ' + job.name));
    var facts = [];
    if (p.remainingS) facts.push(F.t('app.job.left', { time: A.duration(p.remainingS) }));
    if (p.layer) facts.push(F.t('app.job.layer', { n: p.layer.current, total: p.layer.total || '?' }));
    if (p.stitch) facts.push(F.t('app.job.stitch', { n: number(p.stitch.current), total: p.stitch.total ? number(p.stitch.total) : '?' }));
    if (facts.length) parts.push(F.el('p', { className: 'muted', text: facts.join(' · ') }));
    return parts.length ? F.el('div', { className: 'job-progress' }, parts) : null;
  }

  /** How long the machine worked on a finished job, beside what the file announced. */
  function took(job) {
    var worked = job.durations && job.durations.runningS;
    if (job.state !== 'completed' || !worked) return null;
    var key = job.kind === 'embroidery' ? 'app.job.tookSew' : job.estimatedSeconds ? 'app.job.tookPrint' : 'app.job.tookPrintNoEstimate';
    var words = { time: A.duration(worked), estimate: job.estimatedSeconds ? A.duration(job.estimatedSeconds) : '' };
    return F.el('p', { className: 'took', 'data-worked': worked, text: F.t(key, words) });
  }

  function post(job, path, body, doneKey) {
    if (busy[job.id]) return;
    busy[job.id] = true;
    delete failed[job.id];
    render();
    A.call('POST', '/api/v1/jobs/' + encodeURIComponent(job.id) + '/' + path, body).then(function (response) {
      delete busy[job.id];
      confirming = null;
      if (response.status < 300) {
        replace(response.body);
        A.notice(function () {
          return F.t(doneKey, { name: F.isolate(job.name) });
        });
      } else {
        failed[job.id] = response;
        A.notice(function () {
          return A.errorText(response);
        });
      }
      render();
      follow();
    });
  }

  function jobCard(job) {
    var actions = [];
    var label = function (key) {
      return F.t(key) + ' — ' + F.isolate(job.name);
    };
    if (job.state === 'draft') {
      actions.push(A.button(F.t('app.job.queue'), 'primary', function () { post(job, 'queue', {}, 'app.job.queued'); }, label('app.job.queue'), { 'data-action': 'queue' }));
      actions.push(A.button(F.t('app.job.discard'), 'secondary', function () { post(job, 'cancel', null, 'app.job.discarded'); }, label('app.job.discard'), { 'data-action': 'discard' }));
    } else if (!ENDED[job.state] && !job.cancelRequested) {
      actions.push(A.button(F.t('app.job.cancel'), 'danger', function () {
        confirming = job.id;
        render();
        var yes = $('jobs').querySelector('[data-action="job-cancel-yes"]');
        if (yes) yes.focus();
      }, label('app.job.cancel'), { 'data-action': 'job-cancel' }));
    }
    var machine = job.machineId ? F.el('p', {}, [F.t('app.job.on'), ' ', F.bdi(A.machineName(job.machineId))]) : null;
    var warnings = job.metadata && job.metadata.warnings && job.metadata.warnings.length
      ? F.el('ul', { className: 'warnings' }, job.metadata.warnings.map(function (w) {
          return F.el('li', {}, [F.icon('attention'), ' ', F.el('bdi', { lang: 'en', text: w })]);
        }))
      : null;
    return F.el('li', { className: 'card job', 'data-job': job.id, 'data-state': job.state }, [
      F.el('h4', {}, [F.bdi(job.name)]),
      F.el('p', { className: 'muted', text: F.t('kind.' + job.kind) }),
      stateLine(job),
      machine,
      progress(job),
      took(job),
      job.state === 'completed' ? F.el('p', { text: F.t('app.job.takeOut') }) : null,
      job.state === 'draft' ? F.el('h5', { text: F.t('app.est.title') }) : null,
      job.state === 'draft' || job.state === 'queued' ? estimate(job) : null,
      warnings,
      failed[job.id] ? F.el('p', { className: 'form-error', role: 'alert', text: A.errorText(failed[job.id]) }) : null,
      busy[job.id] ? F.el('p', { className: 'muted', text: F.t('app.sending') }) : null,
      actions.length ? F.el('div', { className: 'row' }, actions) : null,
      confirming === job.id
        ? F.el('div', { className: 'confirm', role: 'group', 'aria-label': F.t('app.job.cancelAsk') }, [
            F.el('p', { text: F.t('app.job.cancelAsk') }),
            F.el('div', { className: 'row' }, [
              A.button(F.t('app.job.cancelYes'), 'danger', function () { post(job, 'cancel', null, 'app.job.cancelled'); }, null, { 'data-action': 'job-cancel-yes' }),
              A.button(F.t('app.cancel.no'), 'secondary', function () {
                confirming = null;
                render();
              }),
            ]),
          ])
        : null,
    ]);
  }

  function replace(job) {
    if (!job || !job.id) return;
    for (var i = 0; i < jobs.length; i++) {
      if (jobs[i].id === job.id) {
        jobs[i] = job;
        return;
      }
    }
    jobs.unshift(job);
  }

  function render() {
    var shown = jobs.filter(function (job) {
      return !(job.state === 'cancelled' && !job.startedAt);
    });
    F.patch(
      $('jobs'),
      shown.map(function (job) {
        return {
          key: job.id,
          sig: F.lang + (confirming === job.id) + !!busy[job.id] + !!failed[job.id] + JSON.stringify(job),
          render: function () {
            return jobCard(job);
          },
        };
      }),
    );
    $('no-jobs').hidden = shown.length > 0;
  }

  var fresh = F.newest();

  function load() {
    var current = fresh();
    return A.call('GET', '/api/v1/jobs').then(function (response) {
      if (!current() || response.status !== 200) return;
      jobs = response.body.slice().sort(function (a, b) {
        return Date.parse(b.createdAt) - Date.parse(a.createdAt);
      });
      render();
      follow();
    });
  }

  /** Reads every unfinished, queued-or-later job again in a few seconds, while this view is open. */
  function follow() {
    clearTimeout(timer);
    var open = jobs.filter(function (job) {
      return !ENDED[job.state] && job.state !== 'draft';
    });
    if (!open.length || A.view !== 'jobs' || !A.signed.current) return;
    timer = setTimeout(function () {
      Promise.all(open.map(function (job) {
        return A.call('GET', '/api/v1/jobs/' + encodeURIComponent(job.id));
      })).then(function (answers) {
        answers.forEach(function (response) {
          if (response.status === 200) replace(response.body);
        });
        render();
        follow();
      });
    }, POLL_MS);
  }

  function showFileName() {
    var input = $('job-file');
    var name = $('job-file-name');
    var file = input.files && input.files[0];
    // The chosen file's own name, isolated: a Latin name keeps its order in an Arabic line.
    if (file) {
      name.removeAttribute('data-i18n');
      name.textContent = '';
      name.appendChild(F.bdi(file.name));
    } else {
      name.setAttribute('data-i18n', 'app.jobs.noFile');
      name.textContent = F.t('app.jobs.noFile');
    }
  }

  /** The bytes sent so far, as a bar with its percentage; hidden between uploads. */
  function showProgress(fraction) {
    var box = $('upload-progress');
    box.hidden = fraction === null;
    box.textContent = '';
    if (fraction !== null) box.appendChild(F.progress(fraction * 100, F.t('app.jobs.sendingFile')));
  }

  function upload(event) {
    event.preventDefault();
    var input = $('job-file');
    var error = $('upload-error');
    if (!input.files || !input.files.length) {
      F.say(error, function () {
        return F.t('app.jobs.pick');
      });
      input.focus();
      return;
    }
    var form = new FormData();
    form.append('siteId', F.config.siteId);
    if ($('job-name').value.trim()) form.append('name', $('job-name').value.trim());
    form.append('file', input.files[0]);
    var button = $('upload-submit');
    button.disabled = true;
    button.textContent = F.t('app.sending');
    F.say(error, null);
    showProgress(0);
    A.upload('/api/v1/jobs', form, showProgress).then(function (response) {
      button.disabled = false;
      button.textContent = F.t('app.jobs.send');
      showProgress(null);
      if (response.status !== 201) {
        A.showError(error, response);
        return;
      }
      input.value = '';
      showFileName();
      $('job-name').value = '';
      replace(response.body);
      render();
      var name = response.body.name;
      A.notice(function () {
        return F.t('app.jobs.uploaded', { name: F.isolate(name) });
      });
      var card = $('jobs').querySelector('[data-job="' + response.body.id + '"]');
      if (card) {
        var title = card.querySelector('h4');
        title.setAttribute('tabindex', '-1');
        title.focus({ preventScroll: true });
        // On a phone the new card is below the form: bring its estimate up, clear of the notice.
        card.scrollIntoView({ block: 'start' });
      }
    });
  }

  /* ---------- trainings ---------- */

  A.trainingName = function (id) {
    var key = 'app.training.' + id;
    var text = F.t(key);
    return text === key ? id : text;
  };

  function renderTrainings() {
    var list = $('trainings');
    list.textContent = '';
    var needed = {};
    A.machines.forEach(function (m) {
      if (!m.requiredTraining) return;
      needed[m.requiredTraining] = needed[m.requiredTraining] || [];
      if (needed[m.requiredTraining].indexOf(m.kind) < 0) needed[m.requiredTraining].push(m.kind);
    });
    var now = F.now();
    var ids = A.trainings.map(function (t) { return t.training; });
    Object.keys(needed).forEach(function (id) {
      if (ids.indexOf(id) < 0) ids.push(id);
    });
    ids.forEach(function (id) {
      var held = A.trainings.filter(function (t) { return t.training === id; })[0];
      var valid = held && (!held.expiresAt || Date.parse(held.expiresAt) > now);
      var kinds = (needed[id] || []).map(function (k) { return F.t('kind.' + k); }).join(', ');
      list.appendChild(
        F.el('li', { className: 'card training' + (valid ? ' held' : ''), 'data-training': id }, [
          F.el('h4', { text: A.trainingName(id) }),
          F.el('p', {}, [
            F.el('span', { className: 'pill ' + (valid ? 'p-active' : 'p-cancelled'), text: F.t(valid ? 'app.trainings.held' : held ? 'app.trainings.expired' : 'app.trainings.notYet') }),
          ]),
          held && held.expiresAt ? F.el('p', { text: F.t('app.trainings.until', { date: A.dayName(F.zoned(Date.parse(held.expiresAt)).date) }) }) : null,
          held && !held.expiresAt ? F.el('p', { text: F.t('app.trainings.noEnd') }) : null,
          kinds ? F.el('p', { className: 'muted', text: F.t(valid ? 'app.trainings.unlocks' : 'app.trainings.needed', { kinds: kinds }) }) : null,
        ]),
      );
    });
    $('no-trainings').hidden = ids.length > 0;
  }

  $('upload-form').addEventListener('submit', upload);
  $('job-file').addEventListener('change', showFileName);

  A.module({
    render: function () {
      render();
      renderTrainings();
    },
    stop: function () {
      clearTimeout(timer);
      jobs = [];
      failed = {};
    },
    views: {
      jobs: load,
      trainings: function () {
        A.call('GET', '/api/v1/me/trainings').then(function (response) {
          if (response.status === 200) A.trainings = response.body;
          renderTrainings();
        });
      },
    },
  });
})();
