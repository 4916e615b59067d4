/*
 * The makers' app of one site: sign in, machines live, book, my bookings, jobs, trainings. Mobile
 * first, plain ES2017 like the kiosk and board. This file holds the session, the views and the
 * helpers the two others (app-book.js, app-jobs.js) share through `window.FabriqueApp`.
 */
/* global window, document, location, XMLHttpRequest, setTimeout, clearTimeout */
(function () {
  'use strict';

  var F = window.Fabrique;
  var config = F.config;
  var A = (window.FabriqueApp = {});
  var SESSION_KEY = 'fabrique.app.session';
  var LANG_KEY = 'fabrique.app.lang';
  var VIEWS = ['machines', 'book', 'bookings', 'jobs', 'trainings'];
  var MINUTE = 60000;

  var $ = (A.$ = function (id) {
    return document.getElementById(id);
  });
  A.signed = F.signedIn(SESSION_KEY, function () {
    signOut('app.sessionEnded');
  });
  A.view = null;
  A.machines = [];
  A.live = null;
  A.liveView = null;
  A.trainings = [];
  var modules = [];
  var noticeTimer = null;

  /** Registers a part of the page: {views: {name: enter()}, start(), render(), stop()}. */
  A.module = function (part) {
    modules.push(part);
  };

  function each(method) {
    modules.forEach(function (part) {
      if (part[method]) part[method]();
    });
  }

  /* ---------- words and time ---------- */

  /**
   * Says something for a few seconds where screen readers hear it. `render` words it, and words it
   * again if the maker switches language meanwhile.
   */
  A.notice = function (render) {
    clearTimeout(noticeTimer);
    F.say($('notice'), render);
    // Room below the page for the notice, so what it says can be checked is never under it.
    document.body.classList.toggle('has-notice', !!render);
    noticeTimer = setTimeout(function () {
      F.say($('notice'), null);
      document.body.classList.remove('has-notice');
    }, 8000);
  };

  /** A form's error line: the refusal in the page's language, reworded after a language change. */
  A.showError = function (node, response) {
    F.say(node, function () {
      return A.errorText(response);
    });
  };

  /** The instants, lengths and names a refusal carries, worded for the page's sentences. */
  function detailWords(details) {
    var words = {};
    Object.keys(details).forEach(function (key) {
      var value = details[key];
      if (value === null || value === undefined) return;
      if (/[mM]inutes$/.test(key)) words[key] = A.duration(value * 60);
      else if (/Seconds$/.test(key)) words[key] = A.duration(value);
      else if (key === 'training') words[key] = A.trainingName(value);
      else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) words[key] = A.dayName(value);
      else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) words[key] = F.when(value);
      else if (typeof value === 'number') words[key] = new Intl.NumberFormat(F.locale).format(value);
      else words[key] = F.isolate(String(value));
    });
    if (details.start && details.end) words.range = F.range(details.start, details.end);
    return words;
  }

  /**
   * A refusal in the page's language, by its code (`app.err.<CODE>`, or `app.err.<CODE>.<rule>`
   * for a code with variants), with the numbers it carries: never the service's English sentence.
   */
  A.errorText = function (response) {
    if (response && response.status === 0) return F.t('app.err.network');
    var body = (response && response.body) || {};
    if (!body.code) return F.t('common.error');
    var details = body.details || {};
    var words = detailWords(details);
    var keys = ['app.err.' + body.code];
    if (details.rule) keys.unshift('app.err.' + body.code + '.' + details.rule);
    for (var i = 0; i < keys.length; i++) {
      var text = F.t(keys[i], words);
      if (text !== keys[i]) return text;
    }
    return F.t('common.error');
  };

  /** The centre's next opening day when it is closed for the rest of today, else today. */
  A.firstDay = function () {
    var opening = A.liveView && A.liveView.opening;
    if (opening && !opening.open && opening.opensAt) {
      var day = F.zoned(Date.parse(opening.opensAt)).date;
      if (day > F.today()) return day;
    }
    return F.today();
  };

  A.machineName = function (id) {
    for (var i = 0; i < A.machines.length; i++) if (A.machines[i].id === id) return A.machines[i].name;
    return id;
  };

  A.machine = function (id) {
    for (var i = 0; i < A.machines.length; i++) if (A.machines[i].id === id) return A.machines[i];
    return null;
  };

  /** `2026-11-24` plus n days, as a calendar date (no time zone involved). */
  A.addDays = function (date, n) {
    var p = date.split('-');
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + n));
    return d.toISOString().slice(0, 10);
  };

  /**
   * The instant the site's clock shows `date time` (first one on a fall-back day; the jump on a
   * spring-forward day): guess as UTC, then correct by the zone's offset, twice.
   */
  A.localMs = function (date, time) {
    var p = date.split('-');
    var t = (time || '00:00').split(':');
    var target = Date.UTC(+p[0], +p[1] - 1, +p[2], +t[0], +t[1]);
    var guess = target;
    for (var i = 0; i < 3; i++) {
      var z = F.zoned(guess);
      var zp = z.date.split('-');
      var zt = z.time.split(':');
      var shown = Date.UTC(+zp[0], +zp[1] - 1, +zp[2], +zt[0], +zt[1]);
      if (shown === target) break;
      guess += target - shown;
    }
    return guess;
  };

  A.dayStart = function (date) {
    return A.localMs(date, '00:00');
  };

  /** `1 h 30 min`, `45 min`, `2 h`. */
  A.duration = function (seconds) {
    var minutes = Math.max(1, Math.round(seconds / 60));
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    if (h && m) return F.t('app.dur.hm', { h: h, m: m });
    if (h) return F.t('app.dur.h', { h: h });
    return F.t('app.dur.m', { m: m });
  };

  A.dayName = function (date) {
    return F.longDate(A.localMs(date, '12:00'));
  };

  A.iso = function (ms) {
    return new Date(ms).toISOString();
  };

  A.MINUTE = MINUTE;

  /** A button with one word on it and, for screen readers, what it acts on. */
  A.button = function (text, className, onclick, label, extra) {
    var attrs = { type: 'button', className: className || 'secondary', text: text, onclick: onclick, 'aria-label': label || null };
    for (var key in extra || {}) attrs[key] = extra[key];
    return F.el('button', attrs);
  };

  /* ---------- session ---------- */

  /** An API call with the session (a 401 refreshes once and tries again). Never rejects. */
  A.call = function (method, path, body) {
    return A.signed.call(method, path, body).catch(function () {
      return { status: 0, body: null };
    });
  };

  /**
   * A multipart upload (a job file), with the same refresh-once rule. XMLHttpRequest rather than
   * fetch: it reports the bytes sent (`onProgress(0…1)`), which a large file on a slow line needs.
   */
  A.upload = function (path, form, onProgress) {
    return A.signed
      .withToken(function (token) {
        return new Promise(function (resolve) {
          var request = new XMLHttpRequest();
          request.open('POST', path);
          request.setRequestHeader('Accept', 'application/json');
          request.setRequestHeader('Authorization', 'Bearer ' + token);
          request.upload.onprogress = function (event) {
            if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
          };
          request.onload = function () {
            resolve({ status: request.status, body: F.readJson(request.responseText) });
          };
          request.onerror = request.onabort = function () {
            resolve({ status: 0, body: null });
          };
          request.send(form);
        });
      })
      .catch(function () {
        return { status: 0, body: null };
      });
  };

  A.site = function (path) {
    return '/api/v1/sites/' + encodeURIComponent(config.siteId) + (path || '');
  };

  function signOut(reasonKey) {
    A.signed.forget();
    if (A.live) A.live.close();
    A.live = null;
    A.liveView = null;
    each('stop');
    $('app').hidden = true;
    $('tabs').hidden = true;
    $('sign-out').hidden = true;
    $('signin').hidden = false;
    F.showOffline($('offline'), false);
    F.showSignInError(reasonKey || '', {});
    $('login').focus();
  }

  /* ---------- the app once signed in ---------- */

  function startApp(moveFocus) {
    $('signin').hidden = true;
    $('app').hidden = false;
    $('tabs').hidden = false;
    $('sign-out').hidden = false;
    renderHello();
    // The account as it is now (a locale changed at the desk, a name corrected).
    A.call('GET', '/api/v1/me').then(function (response) {
      if (response.status !== 200 || !A.signed.current) return;
      A.signed.setUser(response.body);
      var lang = response.body.locale;
      if (!F.local.get(LANG_KEY) && lang && lang !== F.lang && F.hasDictionary(lang)) F.setLanguage(lang);
      renderHello();
    });
    Promise.all([A.call('GET', A.site('/machines')), A.call('GET', '/api/v1/me/trainings')]).then(function (answers) {
      if (answers[0].status === 200) A.machines = answers[0].body;
      if (answers[1].status === 200) A.trainings = answers[1].body;
      each('start');
      // The kiosk's code while the centre is closed: booking on the day it opens.
      var day = F.query('date');
      if (day && /^\d{4}-\d{2}-\d{2}$/.test(day) && !F.query('machine')) A.openBooking(null, day);
      else route(moveFocus);
    });
    A.live = F.live({
      token: function () {
        return A.signed.current ? A.signed.current.accessToken : '';
      },
      onView: function (next) {
        A.liveView = next;
        each('live');
      },
      onOnline: function (online) {
        F.showOffline($('offline'), !online, A.liveView && A.liveView.at);
      },
      onRefused: function (error) {
        if (error.code !== 'UNAUTHENTICATED' || !A.signed.current) return;
        A.signed.refresh().then(function (ok) {
          if (ok && A.live) A.live.reconnect();
        });
      },
    });
  }

  function renderHello() {
    if (A.signed.current) $('hello').textContent = F.t('app.hello', { name: F.isolate(A.signed.current.user.displayName) });
  }

  A.holds = function (training) {
    var now = F.now();
    return A.trainings.some(function (held) {
      return held.training === training && (!held.expiresAt || Date.parse(held.expiresAt) > now);
    });
  };

  /** Shows one view (from the address's #fragment), moving focus to its title when asked. */
  function route(moveFocus) {
    var name = location.hash.replace('#', '');
    if (VIEWS.indexOf(name) < 0) name = 'machines';
    A.view = name;
    VIEWS.forEach(function (view) {
      $('view-' + view).hidden = view !== name;
    });
    var links = $('tabs').querySelectorAll('a');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('data-view') === name) links[i].setAttribute('aria-current', 'page');
      else links[i].removeAttribute('aria-current');
    }
    modules.forEach(function (part) {
      if (part.views && part.views[name]) part.views[name]();
    });
    if (moveFocus) $(name + '-title').focus();
  }

  /** Opens a view as if its tab had been pressed. */
  A.go = function (name) {
    if (location.hash === '#' + name) route(true);
    else location.hash = name;
  };

  function renderLanguageSelect() {
    var select = $('language');
    select.textContent = '';
    config.allLanguages.forEach(function (lang) {
      select.appendChild(F.el('option', { value: lang, lang: lang, selected: lang === F.lang, text: F.languageName(lang) }));
    });
  }

  function start() {
    var asked = F.query('lang');
    var first = [asked, F.local.get(LANG_KEY), A.signed.current && A.signed.current.user.locale, config.languages[0]].filter(function (lang) {
      return lang && F.hasDictionary(lang);
    })[0];
    F.onLanguage(function () {
      renderLanguageSelect();
      renderHello();
      var error = $('signin-error');
      if (error.getAttribute('data-key')) F.showSignInError(error.getAttribute('data-key'), F.readJson(error.getAttribute('data-vars')));
      $('tz-note').textContent = F.t('app.tzNote', { zone: F.timeZone });
      if (!$('offline').hidden) F.showOffline($('offline'), true, A.liveView && A.liveView.at);
      if (A.signed.current) each('render');
    });
    F.setLanguage(first || config.languages[0]);
    $('language').addEventListener('change', function (event) {
      F.local.set(LANG_KEY, event.target.value);
      F.setLanguage(event.target.value);
      // The account keeps it too, so the maker finds their language on another phone or at the desk.
      if (A.signed.current) A.call('PATCH', '/api/v1/me', { locale: event.target.value }).catch(function () {});
    });
    $('signin-form').addEventListener(
      'submit',
      F.signInForm(A.signed, {
        words: { empty: 'app.fillBoth', wrong: 'app.wrongLogin', tooMany: 'app.tooMany', network: 'app.err.network' },
        langKey: LANG_KEY,
        onSignedIn: function () {
          startApp(true);
        },
      }),
    );
    $('sign-out').addEventListener('click', function () {
      signOut('');
    });
    window.addEventListener('hashchange', function () {
      if (A.signed.current) route(true);
    });
    if (A.signed.current) startApp(false);
    else signOut('');
  }

  F.loadDictionaries(config.allLanguages).then(start);
})();
