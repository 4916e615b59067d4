/*
 * Shared by the lobby kiosk and the staff board. Plain ES2017, no build step, no framework: it must
 * run as served on an old Android TV stick browser. Everything the pages show goes through the
 * dictionaries (i18n/*.json) and is written with textContent, never as HTML.
 */
/* global window, document, location, localStorage, sessionStorage, fetch, io, setTimeout, clearTimeout, setInterval */
(function () {
  'use strict';

  var F = (window.Fabrique = {});
  var config = (F.config = JSON.parse(document.getElementById('page-config').textContent));
  var RTL = { ar: true, fa: true, he: true, ur: true };
  var SVG = 'http://www.w3.org/2000/svg';
  var XLINK = 'http://www.w3.org/1999/xlink';

  // The service's clock, not the screen's: a TV stick that lost its time still shows the right hour.
  var skew = Date.parse(config.serverNow) - Date.now();
  F.now = function () {
    return Date.now() + skew;
  };

  /* ---------- storage that never throws (private mode, full disk, disabled storage) ---------- */

  /** Runs `action`; if it throws, answers `fallback` (called with the error when a function). */
  F.attempt = function (action, fallback) {
    try {
      return action();
    } catch (error) {
      return typeof fallback === 'function' ? fallback(error) : fallback;
    }
  };

  function safeStorage(area) {
    return {
      get: function (key) {
        return F.attempt(function () {
          return area.getItem(key);
        }, null);
      },
      // Without storage the page still works; it just forgets on reload.
      set: function (key, value) {
        F.attempt(function () {
          area.setItem(key, value);
        });
      },
      remove: function (key) {
        F.attempt(function () {
          area.removeItem(key);
        });
      },
    };
  }
  // Merely reading `localStorage` throws where storage is disabled.
  F.local = safeStorage(
    F.attempt(function () {
      return localStorage;
    }, null),
  );
  F.session = safeStorage(
    F.attempt(function () {
      return sessionStorage;
    }, null),
  );

  /**
   * For a view that reloads: answers can overtake each other (a list asked for before a change may
   * arrive after the one asked for after it), so only the newest request's answer is shown.
   * `var fresh = F.newest();`, then in each load `var current = fresh();` and, with the answer,
   * `if (!current()) return;`.
   */
  F.newest = function () {
    var asked = 0;
    return function () {
      var mine = ++asked;
      return function () {
        return mine === asked;
      };
    };
  };

  F.query = function (name) {
    var match = new RegExp('[?&]' + name + '=([^&#]*)').exec(location.search);
    return match ? decodeURIComponent(match[1]) : null;
  };

  /* ---------- words ---------- */

  var dictionaries = {};
  var plurals = {};
  F.lang = config.languages[0];
  F.locale = F.lang;

  F.loadDictionaries = function (languages) {
    return Promise.all(
      languages.map(function (lang) {
        if (dictionaries[lang]) return dictionaries[lang];
        var fetchWords = function (file, version) {
          return fetch(config.assets + 'i18n/' + file + '?v=' + (version || '')).then(function (response) {
            if (!response.ok) throw new Error('dictionary ' + file + ': ' + response.status);
            return response.json();
          });
        };
        // The words every page shares, then the page's own (i18n/<page>.<lang>.json) when it has some.
        var own = config.pageDictionaries && config.pageDictionaries[lang];
        return Promise.all([
          fetchWords(lang + '.json', config.dictionaries[lang]),
          own ? fetchWords(config.page + '.' + lang + '.json', own) : {},
        ]).then(function (parts) {
          var words = parts[0];
          for (var key in parts[1]) if (Object.prototype.hasOwnProperty.call(parts[1], key)) words[key] = parts[1][key];
          dictionaries[lang] = words;
        });
      }),
    );
  };

  F.hasDictionary = function (lang) {
    return !!dictionaries[lang];
  };

  F.languageName = function (lang) {
    return (dictionaries[lang] && dictionaries[lang]['meta.name']) || lang;
  };

  function pluralCategory(n) {
    if (!Intl.PluralRules) return n === 1 ? 'one' : 'other';
    if (!plurals[F.lang]) plurals[F.lang] = new Intl.PluralRules(F.lang);
    return plurals[F.lang].select(n);
  }

  /** `t('kind.freeNow', {n: 2})`: a plain sentence in the current language, English if missing. */
  F.t = function (key, vars) {
    var words = dictionaries[F.lang] || {};
    var entry = words[key];
    if (entry === undefined && dictionaries.en) entry = dictionaries.en[key];
    if (entry === undefined) return key;
    if (typeof entry === 'object') {
      var category = pluralCategory(vars && typeof vars.n === 'number' ? vars.n : 0);
      entry = entry[category] !== undefined ? entry[category] : entry.other;
    }
    return entry.replace(/\{(\w+)\}/g, function (whole, name) {
      return vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : whole;
    });
  };

  F.isRtl = function (lang) {
    return !!RTL[lang];
  };

  var languageListeners = [];
  F.onLanguage = function (listener) {
    languageListeners.push(listener);
  };

  F.setLanguage = function (lang) {
    if (!dictionaries[lang]) return;
    F.lang = lang;
    F.locale = dictionaries[lang]['meta.locale'] || lang;
    document.documentElement.lang = lang;
    document.documentElement.dir = F.isRtl(lang) ? 'rtl' : 'ltr';
    formats = {};
    F.translateStatic(document);
    sayings = sayings.filter(function (node) {
      return document.documentElement.contains(node);
    });
    sayings.forEach(sayAgain);
    languageListeners.forEach(function (listener) {
      listener(lang);
    });
  };

  var sayings = [];

  function sayAgain(node) {
    node.textContent = node.fabriqueSay ? node.fabriqueSay() : '';
    node.setAttribute('lang', F.lang);
    node.setAttribute('dir', F.isRtl(F.lang) ? 'rtl' : 'ltr');
  }

  /**
   * Writes `render()` into `node`, and again in the new language after each change of language,
   * marked with that language's `lang` and `dir`: a French sentence left on an Arabic page would
   * have its full stop and its names thrown to the wrong side. `render` null empties the node.
   */
  F.say = function (node, render) {
    node.fabriqueSay = render || null;
    if (sayings.indexOf(node) < 0) sayings.push(node);
    sayAgain(node);
  };

  /** `data-i18n="key"` sets the text; `data-i18n-attr="aria-label:key;title:key"` sets attributes. */
  F.translateStatic = function (root) {
    var nodes = root.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = F.t(nodes[i].getAttribute('data-i18n'));
    var withAttributes = root.querySelectorAll('[data-i18n-attr]');
    for (var j = 0; j < withAttributes.length; j++) {
      withAttributes[j]
        .getAttribute('data-i18n-attr')
        .split(';')
        .forEach(function (pair) {
          var parts = pair.split(':');
          withAttributes[j].setAttribute(parts[0], F.t(parts[1]));
        });
    }
  };

  /* ---------- time, always in the site's zone ---------- */

  F.timeZone = config.timeZone;
  var formats = {};

  function format(name, locale, options) {
    if (!formats[name]) {
      options.timeZone = F.timeZone;
      formats[name] = new Intl.DateTimeFormat(locale, options);
    }
    return formats[name];
  }

  F.setTimeZone = function (timeZone) {
    if (timeZone && timeZone !== F.timeZone) {
      F.timeZone = timeZone;
      formats = {};
    }
  };

  /** `{date: '2026-11-23', time: '14:05'}` as the site's clock shows that instant (24 h). */
  F.zoned = function (ms) {
    var parts = {};
    var fmt = format('parts', 'en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    fmt.formatToParts(new Date(ms)).forEach(function (part) {
      parts[part.type] = part.value;
    });
    // Some engines write midnight as 24:00 with hour12: false.
    var hour = parts.hour === '24' ? '00' : parts.hour;
    return { date: parts.year + '-' + parts.month + '-' + parts.day, time: hour + ':' + parts.minute };
  };

  F.today = function () {
    return F.zoned(F.now()).date;
  };

  /** `14:05`, or `Tue 14:05` when it is not today at the site. */
  F.time = function (value) {
    if (value === null || value === undefined) return '';
    var ms = typeof value === 'number' ? value : Date.parse(value);
    var zoned = F.zoned(ms);
    if (zoned.date === F.today()) return zoned.time;
    return F.t('time.dayAt', { day: shortDay(ms), time: zoned.time });
  };

  /** `Tue`, or `2 Jan` more than six days away. */
  function shortDay(ms) {
    if (Math.abs(ms - F.now()) > 6 * 86400000) {
      return format('dayMonth', F.locale, { day: 'numeric', month: 'short' }).format(new Date(ms));
    }
    return format('weekday', F.locale, { weekday: 'short' }).format(new Date(ms));
  }

  function instant(value) {
    return typeof value === 'number' ? value : Date.parse(value);
  }

  function isClock(value) {
    return typeof value === 'string' && value.indexOf('T') < 0;
  }

  /**
   * `14:00–16:00`, kept left to right inside Arabic sentences (isolated, or it reads 16:00–14:00)
   * and never split over two lines (word joiners round the dash).
   */
  function clockRange(from, to) {
    return '\u2066' + from + '\u2060–\u2060' + to + '\u2069';
  }

  /** The wall-clock end of a range: the midnight that ends the start's day reads 24:00. */
  function endClock(startMs, endMs) {
    var end = F.zoned(endMs);
    return end.time === '00:00' && end.date > F.zoned(startMs).date && endMs - startMs <= 86400000 ? '24:00' : end.time;
  }

  /**
   * A range of time, its day said once: `14:00–16:00` today, `Tue 14:00–16:00` another day,
   * `Tue 22:00 – Wed 02:00` across midnight. Wall-clock strings (`'14:00'`) pass as they are.
   */
  F.range = function (start, end) {
    if (isClock(start) || isClock(end)) {
      return clockRange(isClock(start) ? start : F.time(start), isClock(end) ? end : F.time(end));
    }
    var from = instant(start);
    var to = instant(end);
    var close = endClock(from, to);
    if (F.zoned(from).date !== F.zoned(to).date && close !== '24:00') {
      return '\u2066' + F.time(from) + '\u2060 – \u2060' + F.time(to) + '\u2069';
    }
    var times = clockRange(F.zoned(from).time, close);
    return F.zoned(from).date === F.today() ? times : F.t('time.dayAt', { day: shortDay(from), time: times });
  };

  /** Only the hours of a range, for a line that already gives its day. */
  F.hours = function (start, end) {
    return clockRange(F.zoned(instant(start)).time, endClock(instant(start), instant(end)));
  };

  /**
   * An instant as people say it: "today at 18:00", "tomorrow at 10:00", "Tuesday at 10:00",
   * "Saturday 2 January at 10:00".
   */
  F.when = function (value) {
    var ms = instant(value);
    var zoned = F.zoned(ms);
    var today = F.today();
    var days = Math.round((Date.parse(zoned.date + 'T12:00:00Z') - Date.parse(today + 'T12:00:00Z')) / 86400000);
    if (days === 0) return F.t('time.todayAt', { time: zoned.time });
    if (days === 1) return F.t('time.tomorrowAt', { time: zoned.time });
    if (days > 1 && days < 7) {
      var weekday = format('weekdayLong', F.locale, { weekday: 'long' }).format(new Date(ms));
      return F.t('time.onDayAt', { day: weekday, time: zoned.time });
    }
    return F.t('time.onDayAt', { day: F.longDate(ms), time: zoned.time });
  };

  /** The centre closed now: "Closed — opens tomorrow at 10:00" (with a holiday's reason); open: ''. */
  F.openingText = function (opening) {
    if (!opening || opening.open) return '';
    var reason = opening.closure ? F.isolate(opening.closure) : null;
    if (!opening.opensAt) return F.t(reason ? 'open.closedFor' : 'open.closed', { reason: reason });
    return F.t(reason ? 'open.closedForUntil' : 'open.closedUntil', { reason: reason, when: F.when(opening.opensAt) });
  };

  /** What staff told the public about a machine out of service: its reason and expected return. */
  F.noticeLines = function (machine) {
    var notice = machine.notice;
    if (!notice) return [];
    var lines = [];
    if (notice.reason) lines.push(F.el('p', { className: 'notice-reason' }, [F.el('bdi', { dir: 'auto', text: notice.reason })]));
    if (notice.backAt && F.isFuture(notice.backAt)) {
      lines.push(F.el('p', { className: 'notice-back', text: F.t('machine.backAt', { when: F.when(notice.backAt) }) }));
    }
    return lines;
  };

  /** Later than the coming minute: "free at 10:00" when it is 10:00 says nothing useful. */
  F.isFuture = function (value) {
    return !!value && Date.parse(value) > F.now() + 60000;
  };

  F.longDate = function (ms) {
    return format('long', F.locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(ms));
  };

  F.percent = function (value) {
    return new Intl.NumberFormat(F.locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
  };

  /** Keeps `<time>` elements showing the site's hour and date, checked every second. */
  F.startClock = function (timeNode, dateNode) {
    function tick() {
      var now = F.now();
      var zoned = F.zoned(now);
      if (timeNode.textContent !== zoned.time) timeNode.textContent = zoned.time;
      timeNode.setAttribute('datetime', new Date(now).toISOString());
      if (dateNode) {
        var date = F.longDate(now);
        if (dateNode.textContent !== date) dateNode.textContent = date;
      }
    }
    tick();
    setInterval(tick, 1000);
    F.onLanguage(tick);
  };

  /* ---------- DOM ---------- */

  /** `el('p', {className: 'x', text: 'y', onclick: fn, 'aria-label': 'z'}, [children])` */
  F.el = function (tag, attributes, children) {
    var node = document.createElement(tag);
    var attrs = attributes || {};
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name === 'className') node.className = value;
      else if (name.indexOf('on') === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  };

  /** An icon from the page's inline sprite; decorative, the text next to it says the same. */
  F.icon = function (name, className) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'icon' + (className ? ' ' + className : ''));
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var use = document.createElementNS(SVG, 'use');
    use.setAttributeNS(XLINK, 'xlink:href', '#i-' + name);
    svg.appendChild(use);
    return svg;
  };

  /** A name inside a sentence, isolated so a Latin name does not scramble an Arabic one (FSI…PDI). */
  F.isolate = function (text) {
    return '\u2068' + text + '\u2069';
  };

  /** A name typed by people (machine, maker) isolated from the sentence's direction. */
  F.bdi = function (text) {
    return F.el('bdi', { text: text });
  };

  F.STATUS_ICON = {
    free: 'free',
    in_use: 'in-use',
    reserved_soon: 'soon',
    closed: 'closed',
    needs_attention: 'attention',
    offline: 'offline',
    maintenance: 'maintenance',
  };

  /** State as text, icon and colour together: never colour alone. */
  F.statusBadge = function (status) {
    return F.el('span', { className: 'badge s-' + status, 'data-status': status }, [
      F.icon(F.STATUS_ICON[status] || 'attention'),
      F.el('span', { text: F.t('status.' + status) }),
    ]);
  };

  F.progress = function (pct, label) {
    var bar = F.el('div', {
      className: 'progress-bar',
      role: 'progressbar',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': Math.round(pct),
      'aria-label': label,
    });
    var fill = F.el('div', { className: 'progress-fill' });
    fill.style.width = Math.max(0, Math.min(100, pct)) + '%';
    bar.appendChild(fill);
    return F.el('div', { className: 'progress' }, [bar, F.el('span', { className: 'progress-text', text: F.percent(pct) })]);
  };

  F.attentionText = function (word) {
    var key = 'attention.' + word;
    var text = F.t(key);
    return text === key ? F.t('attention.other') : text;
  };

  /**
   * Updates a list in place: a child whose signature did not change is kept as is (and keeps
   * focus, for keyboard users), a changed one is replaced and the focus moves to its
   * counterpart (same `data-focus`) in the new node.
   * entries: [{key, sig, render: () => Node}]
   */
  F.patch = function (container, entries) {
    var active = document.activeElement;
    var focusKey = null;
    var focusName = null;
    if (active && active !== document.body && container.contains(active)) {
      focusName = active.getAttribute('data-focus');
      var holder = active;
      while (holder && holder.parentNode !== container) holder = holder.parentNode;
      focusKey = holder ? holder.getAttribute('data-key') : null;
    }
    var existing = {};
    for (var i = 0; i < container.children.length; i++) {
      existing[container.children[i].getAttribute('data-key')] = container.children[i];
    }
    entries.forEach(function (entry, index) {
      var node = existing[entry.key];
      if (!node || node.fabriqueSig !== entry.sig) {
        var fresh = entry.render();
        fresh.setAttribute('data-key', entry.key);
        fresh.fabriqueSig = entry.sig;
        if (node) container.replaceChild(fresh, node);
        node = fresh;
      }
      delete existing[entry.key];
      if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
    });
    Object.keys(existing).forEach(function (key) {
      container.removeChild(existing[key]);
    });
    if (focusKey !== null && focusName && !container.contains(active)) {
      var again = container.querySelector('[data-key="' + focusKey + '"] [data-focus="' + focusName + '"]');
      if (again) again.focus();
    }
  };

  /* ---------- HTTP ---------- */

  F.api = function (method, path, body, token) {
    var headers = { Accept: 'application/json' };
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    }).then(function (response) {
      return response.text().then(function (text) {
        var retryAfter = Number(response.headers.get('Retry-After')) || 0;
        return { status: response.status, body: F.readJson(text), retryAfter: retryAfter };
      });
    });
  };

  /** Parsed JSON, or null for nothing or for what is not JSON. */
  F.readJson = function (text) {
    return F.attempt(function () {
      return text ? JSON.parse(text) : null;
    }, null);
  };

  /* ---------- signed-in people (the board, the staff pages, the makers' app) ---------- */

  /**
   * A person's session, kept in this tab only (sessionStorage, under `storageKey`). `call` is an
   * API call that, on a 401, refreshes once and tries again; the refresh token is exchanged once
   * for everyone waiting (a reused one ends every session of the account). `onEnded` runs when
   * the refresh is refused: the person must sign in again. `current` is {accessToken,
   * refreshToken, user} or null.
   */
  F.signedIn = function (storageKey, onEnded) {
    var refreshing = null;
    var signed = { current: F.readJson(F.session.get(storageKey)) };

    function store() {
      F.session.set(storageKey, JSON.stringify(signed.current));
    }

    signed.save = function (body) {
      var user = body.user || (signed.current && signed.current.user);
      signed.current = { accessToken: body.accessToken, refreshToken: body.refreshToken, user: user };
      store();
    };

    /** The account as the service shows it now (a name corrected, a language changed). */
    signed.setUser = function (user) {
      if (!signed.current) return;
      signed.current.user = user;
      store();
    };

    signed.forget = function () {
      signed.current = null;
      F.session.remove(storageKey);
    };

    /** Resolves true once the tokens are fresh, false when the service refused (sign in again). */
    function refresh() {
      if (!refreshing) {
        refreshing = F.api('POST', '/api/v1/auth/refresh', { refreshToken: signed.current.refreshToken })
          .then(function (response) {
            refreshing = null;
            if (response.status !== 200 || !signed.current) return false;
            signed.save(response.body);
            return true;
          })
          .catch(function () {
            refreshing = null;
            return false;
          });
      }
      return refreshing;
    }

    /** `send(token)` once, and once more after a refresh if the token had expired. */
    signed.withToken = function (send) {
      if (!signed.current) return Promise.resolve({ status: 401, body: null });
      return send(signed.current.accessToken).then(function (response) {
        if (response.status !== 401 || !signed.current) return response;
        return refresh().then(function (ok) {
          if (!ok) {
            onEnded();
            return response;
          }
          return send(signed.current.accessToken);
        });
      });
    };

    signed.refresh = refresh;

    signed.call = function (method, path, body) {
      return signed.withToken(function (token) {
        return F.api(method, path, body, token);
      });
    };

    return signed;
  };

  /** The sign-in form's message line; the key and values stay on it so a language change rewords it. */
  F.showSignInError = function (key, vars) {
    var node = document.getElementById('signin-error');
    node.setAttribute('data-key', key);
    node.setAttribute('data-vars', JSON.stringify(vars || {}));
    node.textContent = key ? F.t(key, vars) : '';
  };

  /**
   * The submit handler of the sign-in form (#login, #password): email or member code, refusals
   * worded with the page's keys `words` = {empty, wrong, tooMany, network, notAllowed}. A page
   * only some may use says so with `accept(user)`. Once in, the account's language applies unless
   * this browser chose one (`langKey`), then `onSignedIn()`.
   */
  F.signInForm = function (signed, options) {
    return function (event) {
      event.preventDefault();
      var login = document.getElementById('login');
      var password = document.getElementById('password');
      if (!login.value.trim() || !password.value) return F.showSignInError(options.words.empty);
      F.api('POST', '/api/v1/auth/login', { login: login.value.trim(), password: password.value })
        .then(function (response) {
          if (response.status === 200) {
            if (options.accept && !options.accept(response.body.user)) {
              return F.showSignInError(options.words.notAllowed);
            }
            password.value = '';
            signed.save(response.body);
            var preferred = response.body.user.locale;
            if (!F.local.get(options.langKey) && preferred && F.hasDictionary(preferred)) F.setLanguage(preferred);
            return options.onSignedIn();
          }
          if (response.status === 429) {
            return F.showSignInError(options.words.tooMany, {
              minutes: Math.max(1, Math.ceil(response.retryAfter / 60)),
            });
          }
          F.showSignInError(options.words.wrong);
        })
        .catch(function () {
          F.showSignInError(options.words.network);
        });
    };
  };

  /** Staff of this site, or an admin: who may use the board and the staff pages. */
  F.isStaffHere = function (user) {
    return !!user && (user.role === 'admin' || (user.role === 'staff' && user.siteIds.indexOf(config.siteId) >= 0));
  };

  /* ---------- the live socket ---------- */

  /** How long after a (re)connection the join snapshot may take before the page asks for one. */
  var SNAPSHOT_WAIT_MS = 2000;

  /**
   * Connects to `/live` and keeps `view` = {seq, at, timeZone, opening, machines: {id: machine}, kinds}
   * up to date. Deltas apply only in sequence: a gap (missed delta, restarted service) asks for a
   * fresh snapshot. Socket.IO reconnects by itself after a drop; the server's join snapshot then
   * refreshes everything (and the page asks for one if it does not come).
   * options: {token(): string, onView(view), onOnline(boolean), onRefused({code, message})}
   */
  F.live = function (options) {
    var view = null;
    var awaiting = null;
    var refused = false;
    var socket = io('/live', {
      auth: function (callback) {
        callback({ token: options.token(), siteId: config.siteId });
      },
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
    });

    function requestSnapshot() {
      if (awaiting) return;
      socket.emit('snapshot');
      awaiting = setTimeout(function () {
        awaiting = null;
      }, SNAPSHOT_WAIT_MS);
    }

    function expectSnapshot() {
      clearTimeout(awaiting);
      awaiting = setTimeout(function () {
        awaiting = null;
        if (socket.connected) requestSnapshot();
      }, SNAPSHOT_WAIT_MS);
    }

    function apply(frame, whole) {
      F.setTimeZone(frame.timeZone);
      var machines = whole || !view ? {} : view.machines;
      frame.machines.forEach(function (machine) {
        machines[machine.machineId] = machine;
      });
      view = {
        seq: frame.seq,
        at: frame.at,
        timeZone: frame.timeZone,
        opening: frame.opening || { open: true },
        machines: machines,
        kinds: frame.kinds,
      };
      options.onView(view);
    }

    socket.on('connect', function () {
      expectSnapshot();
    });
    socket.on('snapshot', function (frame) {
      clearTimeout(awaiting);
      awaiting = null;
      apply(frame, true);
      options.onOnline(true);
    });
    socket.on('delta', function (frame) {
      if (!view || frame.seq !== view.seq + 1) return requestSnapshot();
      apply(frame, false);
    });
    socket.on('disconnect', function (reason) {
      if (reason === 'io client disconnect' || refused) return;
      options.onOnline(false);
      // Socket.IO does not reconnect after the server hangs up (it drops a screen that stopped
      // reading): this page does, a little later. A refusal (live-error) stays final.
      if (reason === 'io server disconnect') {
        setTimeout(function () {
          if (!refused && !socket.connected) socket.connect();
        }, SNAPSHOT_WAIT_MS);
      }
    });
    socket.on('connect_error', function () {
      options.onOnline(false);
    });
    socket.on('live-error', function (error) {
      // READ_ONLY changes nothing; RECONNECT and UNAVAILABLE ask this page to come back (the
      // disconnect that follows reconnects it). Anything else is a refusal and stays final.
      if (error && (error.code === 'READ_ONLY' || error.code === 'RECONNECT' || error.code === 'UNAVAILABLE')) return;
      refused = true;
      options.onRefused(error || { code: 'UNKNOWN', message: '' });
    });

    return {
      socket: socket,
      reconnect: function () {
        refused = false;
        socket.disconnect();
        socket.connect();
      },
      close: function () {
        clearTimeout(awaiting);
        socket.disconnect();
      },
      view: function () {
        return view;
      },
    };
  };

  /** The machines of a view in a stable order: kind as the service sorts them, then name. */
  F.sortedMachines = function (view) {
    var order = {};
    view.kinds.forEach(function (kind, index) {
      order[kind.kind] = index;
    });
    return Object.keys(view.machines)
      .map(function (id) {
        return view.machines[id];
      })
      .sort(function (a, b) {
        var byKind = (order[a.kind] || 0) - (order[b.kind] || 0);
        return byKind !== 0 ? byKind : a.machineName.localeCompare(b.machineName);
      });
  };

  /** Shows or hides the offline banner, with the time of the last data the screen has. */
  F.showOffline = function (banner, offline, lastAt) {
    if (!offline) {
      banner.hidden = true;
      return;
    }
    banner.textContent = '';
    banner.appendChild(F.icon('offline'));
    banner.appendChild(F.el('strong', { text: F.t('common.offline') }));
    if (lastAt) banner.appendChild(F.el('span', { text: F.t('common.lastUpdate', { time: F.time(lastAt) }) }));
    banner.hidden = false;
  };
})();
