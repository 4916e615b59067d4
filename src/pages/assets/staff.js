/*
 * The staff pages of one site: machines, blocks and workshops, makers at the desk, the job queue,
 * alerts and statistics. This file holds what the views share (session, API calls, navigation,
 * form helpers, local dates in the site's zone); each view lives in its own staff-*.js and
 * registers itself with `S.view(name, {build, show, refresh})`.
 */
/* global window, document, location, setTimeout, clearTimeout */
(function () {
  'use strict';

  var F = window.Fabrique;
  var config = F.config;
  var S = (F.staff = {});
  var SESSION_KEY = 'fabrique.staff.session';
  var LANG_KEY = 'fabrique.staff.lang';
  var ORDER = ['machines', 'blocks', 'desk', 'queue', 'alerts', 'stats'];
  var views = {};
  var built = {};
  var current = null;
  var noticeTimer = null;
  var ids = 0;

  var $ = (S.$ = function (id) {
    return document.getElementById(id);
  });
  S.site = '/api/v1/sites/' + encodeURIComponent(config.siteId);
  S.signed = F.signedIn(SESSION_KEY, function () {
    signOut('board.sessionEnded');
  });

  /* ---------- messages ---------- */

  S.notice = function (text) {
    clearTimeout(noticeTimer);
    $('notice').textContent = text;
    noticeTimer = setTimeout(function () {
      $('notice').textContent = '';
    }, 12000);
  };

  /** A refusal in plain words: ours when we have one for its code, else the service's sentence. */
  S.errorText = function (response) {
    var body = response && response.body;
    var code = body && body.code;
    if (code) {
      var key = 'staff.err.' + code;
      var text = F.t(key);
      if (text !== key) return text;
    }
    if (response && response.status === 404 && !body) return F.t('staff.err.missing');
    return (body && body.message) || F.t('common.error');
  };

  /* ---------- session ---------- */

  function signOut(reasonKey) {
    S.signed.forget();
    $('app').hidden = true;
    $('account').hidden = true;
    $('sign-out').hidden = true;
    $('signin').hidden = false;
    $('view').textContent = '';
    built = {};
    current = null;
    F.showSignInError(reasonKey || '', {});
    $('login').focus();
  }

  /** An API call with the session; a network failure answers status 0. */
  S.call = function (method, path, body) {
    return S.signed.call(method, path, body).catch(function () {
      return { status: 0, body: { message: F.t('staff.err.network') } };
    });
  };

  /* ---------- the site's machines, shared by every view ---------- */

  S.machines = [];
  S.loadMachines = function () {
    return S.call('GET', S.site + '/machines').then(function (response) {
      if (response.status === 200) S.machines = response.body;
      return S.machines;
    });
  };
  S.machine = function (id) {
    for (var i = 0; i < S.machines.length; i++) if (S.machines[i].id === id) return S.machines[i];
    return null;
  };
  S.machineName = function (id) {
    var m = S.machine(id);
    return m ? m.name : id;
  };
  /** Trainings the site's machines ask for: the ones staff here grant. */
  S.trainings = function () {
    var seen = {};
    return S.machines
      .map(function (m) {
        return m.requiredTraining;
      })
      .filter(function (t) {
        if (!t || seen[t]) return false;
        seen[t] = true;
        return true;
      });
  };
  S.trainingName = function (id) {
    var key = 'training.' + id;
    var text = F.t(key);
    return text === key ? id : text;
  };

  /* ---------- building blocks for forms ---------- */

  S.id = function (prefix) {
    ids += 1;
    return prefix + '-' + ids;
  };

  /** Text that follows the language: `data-i18n` is re-read by F.translateStatic. */
  S.tx = function (tag, key, attributes) {
    var attrs = attributes || {};
    attrs['data-i18n'] = key;
    attrs.text = F.t(key);
    return F.el(tag, attrs);
  };

  S.button = function (key, onclick, className, attributes) {
    var attrs = attributes || {};
    attrs.type = attrs.type || 'button';
    attrs.className = className || 'secondary';
    if (onclick) attrs.onclick = onclick;
    return S.tx('button', key, attrs);
  };

  /**
   * A labelled control, with an optional hint read out with it. A control made of several (a date)
   * becomes a fieldset named by its legend.
   */
  S.field = function (labelKey, control, hintKey) {
    if (!control.id) control.id = S.id('f');
    var hint = null;
    if (hintKey) {
      hint = S.tx('p', hintKey, { className: 'hint', id: control.id + '-hint' });
      control.setAttribute('aria-describedby', hint.id);
    }
    if (control.tagName === 'FIELDSET') {
      control.insertBefore(S.tx('legend', labelKey), control.firstChild);
      return F.el('div', { className: 'field' }, [control, hint]);
    }
    return F.el('div', { className: 'field' }, [S.tx('label', labelKey, { for: control.id }), control, hint]);
  };

  /* ---------- dates and times in the page's language, never the browser's ---------- */

  var PARTS = ['day', 'month', 'year'];

  function monthName(month) {
    return new Intl.DateTimeFormat(F.locale, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, month - 1, 15)));
  }

  /** Day, month and year in the order the page's language writes them (Intl, by locale). */
  function partOrder() {
    var order = new Intl.DateTimeFormat(F.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
      .formatToParts(new Date(Date.UTC(2026, 10, 23)))
      .map(function (part) {
        return part.type;
      })
      .filter(function (type) {
        return PARTS.indexOf(type) >= 0;
      });
    return order.length === 3 ? order : PARTS;
  }

  function daysIn(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  /** Writes the month names and the parts' order of every date field in the current language. */
  function relabelDates(root) {
    var fields = root.querySelectorAll('fieldset.date-field');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var months = field.querySelector('[data-part="month"]').options;
      for (var j = 0; j < months.length; j++) if (months[j].value) months[j].textContent = monthName(Number(months[j].value));
      partOrder().forEach(function (part) {
        field.appendChild(field.querySelector('[data-part="' + part + '"]'));
      });
    }
  }
  F.onLanguage(function () {
    relabelDates(document);
  });

  /**
   * A date as three selects (day, month by name, year), in the page's language: a native date
   * field shows the browser's format (12/01/2026 on a French page in an American browser).
   * `.value` reads and writes `YYYY-MM-DD`; an optional field (`required` absent) may stay empty ('').
   */
  S.dateInput = function (attributes) {
    var attrs = attributes || {};
    var thisYear = Number(F.today().slice(0, 4));
    var empty = attrs.required ? [] : [['', '—']];
    var select = function (part, options) {
      var node = F.el('select', { 'data-part': part, 'data-i18n-attr': 'aria-label:staff.date.' + part, 'aria-label': F.t('staff.date.' + part) });
      empty.concat(options).forEach(function (o) {
        node.appendChild(F.el('option', { value: o[0], text: o[1] }));
      });
      return node;
    };
    var range = function (from, to) {
      var out = [];
      for (var n = from; n <= to; n++) out.push([String(n), String(n)]);
      return out;
    };
    var day = select('day', range(1, 31));
    var month = select('month', range(1, 12));
    var year = select('year', range(thisYear - 2, thisYear + 2));
    var field = F.el('fieldset', { className: 'date-field', id: attrs.id || S.id('d') }, [day, month, year]);
    var pad = function (n) {
      return (Number(n) < 10 ? '0' : '') + Number(n);
    };
    // 31 February does not exist: the day follows the month's length.
    var clamp = function () {
      if (day.value && month.value && year.value) {
        var last = daysIn(Number(year.value), Number(month.value));
        if (Number(day.value) > last) day.value = String(last);
      }
    };
    month.addEventListener('change', clamp);
    year.addEventListener('change', clamp);
    Object.defineProperty(field, 'value', {
      get: function () {
        if (!day.value || !month.value || !year.value) return '';
        return year.value + '-' + pad(month.value) + '-' + pad(day.value);
      },
      set: function (value) {
        var parts = value ? value.split('-') : ['', '', ''];
        if (parts[0] && !year.querySelector('option[value="' + Number(parts[0]) + '"]')) {
          year.appendChild(F.el('option', { value: String(Number(parts[0])), text: String(Number(parts[0])) }));
        }
        year.value = parts[0] ? String(Number(parts[0])) : '';
        month.value = parts[1] ? String(Number(parts[1])) : '';
        day.value = parts[2] ? String(Number(parts[2])) : '';
      },
    });
    field.value = attrs.value || '';
    relabelDates(F.el('div', {}, [field]));
    return field;
  };

  /** A wall-clock time (24 h) picked from the day's steps: the same in every language. */
  S.timeInput = function (value, stepMinutes) {
    var node = F.el('select', { 'data-time': '' });
    for (var minutes = 0; minutes < 24 * 60; minutes += stepMinutes || 15) {
      var text = ('0' + Math.floor(minutes / 60)).slice(-2) + ':' + ('0' + (minutes % 60)).slice(-2);
      node.appendChild(F.el('option', { value: text, text: text }));
    }
    node.value = value;
    return node;
  };

  S.input = function (attributes) {
    var attrs = attributes || {};
    attrs.type = attrs.type || 'text';
    return F.el('input', attrs);
  };

  /** A select whose options are [value, key] (translated) or [value, text, true] (as is). */
  S.select = function (options, attributes) {
    var select = F.el('select', attributes || {});
    S.fillSelect(select, options);
    return select;
  };
  S.fillSelect = function (select, options) {
    var value = select.value;
    select.textContent = '';
    options.forEach(function (o) {
      select.appendChild(o[2] ? F.el('option', { value: o[0], text: o[1] }) : S.tx('option', o[1], { value: o[0] }));
    });
    if (value) select.value = value;
  };

  S.checkbox = function (labelKey, attributes, labelText) {
    var box = S.input(Object.assign({ type: 'checkbox', id: S.id('c') }, attributes || {}));
    var label = labelText ? F.el('label', { for: box.id }, [F.bdi(labelText)]) : S.tx('label', labelKey, { for: box.id });
    return F.el('div', { className: 'check' }, [box, label]);
  };

  /** The form's error line (`role=alert`); empty it with `S.formError(form, '')`. */
  S.formError = function (form, text) {
    var node = form.querySelector('.form-error');
    if (!node) {
      node = F.el('p', { className: 'form-error', role: 'alert' });
      form.appendChild(node);
    }
    node.textContent = text || '';
  };

  S.panel = function (titleKey, children, attributes) {
    var attrs = attributes || {};
    attrs.className = 'panel' + (attrs.className ? ' ' + attrs.className : '');
    var title = S.tx('h3', titleKey, { id: S.id('t'), tabindex: '-1' });
    attrs['aria-labelledby'] = title.id;
    return F.el('section', attrs, [title].concat(children));
  };

  S.empty = function (key) {
    return S.tx('p', key, { className: 'empty' });
  };

  /* ---------- local dates and times in the site's zone ---------- */

  function offsetAt(ms) {
    var z = F.zoned(ms);
    var d = z.date.split('-');
    var t = z.time.split(':');
    var wall = Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]);
    return wall - Math.floor(ms / 60000) * 60000;
  }

  /** `2026-11-24`, `14:00` at the site → `2026-11-24T14:00:00+01:00` (what the API asks for). */
  S.zonedIso = function (date, time) {
    var d = date.split('-');
    var t = time.split(':');
    var guess = Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]);
    var ms = guess - offsetAt(guess);
    ms = guess - offsetAt(ms);
    var offset = offsetAt(ms) / 60000;
    var sign = offset < 0 ? '-' : '+';
    var abs = Math.abs(offset);
    var pad = function (n) {
      return (n < 10 ? '0' : '') + n;
    };
    return date + 'T' + pad(+t[0]) + ':' + pad(+t[1]) + ':00' + sign + pad(Math.floor(abs / 60)) + ':' + pad(abs % 60);
  };

  /** A local date plus `days` (calendar days, no time zone involved). */
  S.addDays = function (date, days) {
    var d = date.split('-');
    return new Date(Date.UTC(+d[0], +d[1] - 1, +d[2] + days)).toISOString().slice(0, 10);
  };

  /** `Tue 24 Nov, 14:00–16:00` in the site's zone, direction kept inside Arabic text. */
  S.when = function (start, end) {
    var s = Date.parse(start);
    var day = new Intl.DateTimeFormat(F.locale, { timeZone: F.timeZone, weekday: 'short', day: 'numeric', month: 'short' });
    var sameDay = F.zoned(s).date === F.zoned(Date.parse(end) - 1).date;
    if (sameDay) return day.format(new Date(s)) + ' ' + '\u2066' + F.zoned(s).time + '–' + F.zoned(Date.parse(end)).time + '\u2069';
    return day.format(new Date(s)) + ' ' + F.zoned(s).time + ' → ' + day.format(new Date(Date.parse(end))) + ' ' + F.zoned(Date.parse(end)).time;
  };

  S.dateText = function (date) {
    var d = date.split('-');
    return new Intl.DateTimeFormat(F.locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(Date.UTC(+d[0], +d[1] - 1, +d[2])),
    );
  };

  /* ---------- views and navigation ---------- */

  S.view = function (name, definition) {
    views[name] = definition;
  };

  function viewFromHash() {
    var name = location.hash.replace('#', '');
    return views[name] ? name : ORDER[0];
  }

  function show(name, moveFocus) {
    if (!S.signed.current) return;
    var root = $('view');
    if (!built[name]) {
      built[name] = F.el('div', { className: 'view-' + name, 'data-view-root': name });
      views[name].build(built[name]);
      root.appendChild(built[name]);
    }
    Object.keys(built).forEach(function (other) {
      built[other].hidden = other !== name;
    });
    current = name;
    var title = $('view-title');
    title.setAttribute('data-i18n', 'staff.view.' + name);
    title.textContent = F.t('staff.view.' + name);
    document.title = F.t('staff.view.' + name) + ' — ' + config.siteName + ' — Fabrique';
    var links = document.querySelectorAll('.views a');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('data-view') === name) links[i].setAttribute('aria-current', 'page');
      else links[i].removeAttribute('aria-current');
    }
    if (moveFocus) title.focus();
    if (views[name].show) views[name].show();
  }

  S.current = function () {
    return current;
  };

  /** Alerts are counted on the navigation whatever the view, read again every minute. */
  S.alerts = [];
  var alertTimer = null;
  S.loadAlerts = function () {
    clearTimeout(alertTimer);
    alertTimer = setTimeout(S.loadAlerts, 60000);
    return S.call('GET', S.site + '/alerts').then(function (response) {
      if (response.status === 200) S.alerts = response.body;
      var count = $('alert-count');
      count.hidden = S.alerts.length === 0;
      count.textContent = F.t('staff.alertCount', { n: S.alerts.length });
      if (views.alerts && built.alerts) views.alerts.refresh();
      return S.alerts;
    });
  };

  function renderAccount() {
    if (S.signed.current) $('account').textContent = F.t('board.account', { name: S.signed.current.user.displayName });
  }

  function startApp(moveFocus) {
    $('signin').hidden = true;
    $('app').hidden = false;
    $('account').hidden = false;
    $('sign-out').hidden = false;
    renderAccount();
    S.loadMachines().then(function () {
      show(viewFromHash(), moveFocus);
      S.loadAlerts();
    });
  }

  function renderLanguageSelect() {
    var select = $('language');
    select.textContent = '';
    config.allLanguages.forEach(function (lang) {
      select.appendChild(F.el('option', { value: lang, lang: lang, selected: lang === F.lang, text: F.languageName(lang) }));
    });
  }

  function start() {
    var stored = F.local.get(LANG_KEY);
    var first = [F.query('lang'), stored, S.signed.current && S.signed.current.user.locale, config.languages[0]].filter(function (lang) {
      return lang && F.hasDictionary(lang);
    })[0];
    F.onLanguage(function () {
      renderLanguageSelect();
      renderAccount();
      var error = $('signin-error');
      if (error.getAttribute('data-key')) {
        F.showSignInError(error.getAttribute('data-key'), F.readJson(error.getAttribute('data-vars')));
      }
      $('alert-count').textContent = F.t('staff.alertCount', { n: S.alerts.length });
      if (current) document.title = F.t('staff.view.' + current) + ' — ' + config.siteName + ' — Fabrique';
      Object.keys(built).forEach(function (name) {
        if (views[name].refresh) views[name].refresh();
      });
      $('notice').textContent = '';
    });
    F.setLanguage(first || config.languages[0]);
    $('board-link').href = '/board/' + encodeURIComponent(config.siteId);
    $('language').addEventListener('change', function (event) {
      F.local.set(LANG_KEY, event.target.value);
      F.setLanguage(event.target.value);
    });
    $('signin-form').addEventListener(
      'submit',
      F.signInForm(S.signed, {
        words: { empty: 'board.wrongLogin', wrong: 'board.wrongLogin', tooMany: 'board.tooMany', network: 'common.error', notAllowed: 'staff.notStaff' },
        accept: F.isStaffHere,
        langKey: LANG_KEY,
        onSignedIn: function () {
          startApp(true);
        },
      }),
    );
    $('sign-out').addEventListener('click', function () {
      signOut('');
    });
    // The skip link also changes the hash: only a view's name switches the view.
    window.addEventListener('hashchange', function () {
      var name = location.hash.replace('#', '');
      if (views[name]) show(name, true);
    });
    if (S.signed.current && F.isStaffHere(S.signed.current.user)) startApp(false);
    else signOut('');
  }

  // The view scripts come after this one: start once they have registered.
  F.loadDictionaries(config.allLanguages).then(function () {
    setTimeout(start, 0);
  });
})();
