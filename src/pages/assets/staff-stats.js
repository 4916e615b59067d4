/*
 * Staff pages — statistics: a table of the site for a period of local dates, drawn as bars
 * (inline SVG, with every value written as text next to its bar), the table itself, and the
 * CSV export. Hidden figures (too few people) are said in words, never shown as a bar.
 */
/* global window, document, fetch, URL, setTimeout */
(function () {
  'use strict';

  var F = window.Fabrique;
  var S = F.staff;
  var config = F.config;
  var SVG = 'http://www.w3.org/2000/svg';
  /** [value of the picker, table, by]. */
  var TABLES = [
    ['utilisation:machine', 'utilisation', 'machine'],
    ['utilisation:kind', 'utilisation', 'kind'],
    ['utilisation:site', 'utilisation', 'site'],
    ['hours:kind', 'hours', 'kind'],
    ['hours:tag', 'hours', 'tag'],
    ['hours:age_band', 'hours', 'age_band'],
    ['hours:status', 'hours', 'status'],
    ['hours:gender', 'hours', 'gender'],
    ['makers', 'makers', null],
    ['trainings', 'trainings', null],
    ['jobs', 'jobs', null],
    ['failures', 'failures', null],
    ['no-shows', 'no-shows', null],
  ];
  var st = { data: null, choice: null };

  function query(format) {
    var c = st.choice;
    var path = '/api/v1/stats/' + c.table + '?siteId=' + encodeURIComponent(config.siteId) + '&from=' + c.from + '&to=' + S.addDays(c.to, 1);
    if (c.by) path += '&by=' + c.by;
    return path + '&format=' + format;
  }

  function rowLabel(title, label) {
    if (label === 'total') return F.t('staff.s.total');
    if (title === 'machine') return S.machineName(label);
    if (title === 'site' && label === config.siteId) return config.siteName;
    if (title === 'kind') return F.t('staff.kind.' + label);
    var key = 'staff.s.row.' + label;
    var text = F.t(key);
    return text === key ? label : text;
  }

  function figure(cell, unit) {
    if (cell.suppressed) return F.t('staff.s.hidden');
    if (cell.value === null || cell.value === undefined) return '—';
    if (unit === 'ratio') return F.percent(cell.value * 100);
    var n = new Intl.NumberFormat(F.locale, { maximumFractionDigits: unit === 'hours' ? 1 : 0 }).format(cell.value);
    return unit === 'hours' ? F.t('staff.s.hours', { n: n }) : n;
  }

  /** The column drawn: the first ratio (a share reads best as a bar), else the first column. */
  function chartColumn(table) {
    for (var i = 0; i < table.columns.length; i++) if (table.columns[i].unit === 'ratio') return table.columns[i];
    return table.columns[0];
  }

  function bar(fraction) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'bar');
    svg.setAttribute('viewBox', '0 0 100 10');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var back = document.createElementNS(SVG, 'rect');
    back.setAttribute('class', 'bar-back');
    back.setAttribute('width', '100');
    back.setAttribute('height', '10');
    svg.appendChild(back);
    var fill = document.createElementNS(SVG, 'rect');
    fill.setAttribute('class', 'bar-fill');
    fill.setAttribute('width', String(Math.max(0, Math.min(100, fraction * 100))));
    fill.setAttribute('height', '10');
    svg.appendChild(fill);
    return svg;
  }

  function renderChart(table, threshold) {
    var column = chartColumn(table);
    var values = table.rows.map(function (r) {
      var c = r.cells[column.key];
      return c && !c.suppressed && typeof c.value === 'number' ? c.value : 0;
    });
    var max = column.unit === 'ratio' ? Math.max(1, Math.max.apply(null, values)) : Math.max.apply(null, values.concat([0]));
    var items = table.rows.map(function (r) {
      var cell = r.cells[column.key];
      var hidden = cell && cell.suppressed;
      return F.el('li', { className: 'chart-row' + (hidden ? ' hidden-figure' : '') }, [
        F.el('span', { className: 'chart-label' }, [F.bdi(rowLabel(table.rowTitle, r.label))]),
        hidden ? F.el('span', { className: 'bar-none' }, [F.icon('hidden')]) : bar(max > 0 && cell && cell.value ? cell.value / max : 0),
        F.el('span', { className: 'chart-value', text: figure(cell || { value: null }, column.unit) }),
      ]);
    });
    return F.el('figure', { className: 'chart' }, [
      F.el('figcaption', { text: F.t('staff.s.chartOf', { column: F.t('staff.s.col.' + column.key) }) }),
      items.length ? F.el('ul', {}, items) : S.empty('staff.s.noRows'),
      threshold ? F.el('p', { className: 'hint', text: F.t('staff.s.hiddenHelp', { n: threshold }) }) : null,
    ]);
  }

  function renderTable(table) {
    var head = F.el('tr', {}, [F.el('th', { scope: 'col', text: F.t('staff.s.col.' + table.rowTitle) })].concat(
      table.columns.map(function (c) {
        return F.el('th', { scope: 'col', text: F.t('staff.s.col.' + c.key) });
      }),
    ));
    var rows = (table.total ? table.rows.concat([table.total]) : table.rows).map(function (r) {
      return F.el('tr', { className: r === table.total ? 'total' : '' }, [F.el('th', { scope: 'row' }, [F.bdi(rowLabel(table.rowTitle, r.label))])].concat(
        table.columns.map(function (c) {
          var cell = r.cells[c.key] || { value: null };
          return F.el('td', { className: cell.suppressed ? 'suppressed' : '', text: figure(cell, c.unit) });
        }),
      ));
    });
    return F.el('div', { className: 'table-wrap' }, [
      F.el('table', { className: 'table stats' }, [F.el('caption', { text: F.t('staff.s.tableOf', { table: F.t('staff.s.t.' + st.choice.value) }) }), F.el('thead', {}, [head]), F.el('tbody', {}, rows)]),
    ]);
  }

  function render() {
    var slot = st.result;
    if (!slot) return;
    slot.textContent = '';
    if (!st.data) return;
    var data = st.data;
    // The service answers for whole months (or weeks), which may be longer than what was asked.
    var period = F.t('staff.s.period', { from: S.dateText(data.period.from), to: S.dateText(S.addDays(data.period.to, -1)) });
    slot.appendChild(
      F.el('section', { className: 'panel', 'aria-labelledby': 'stats-title', 'data-result': 'stats' }, [
        F.el('h3', { id: 'stats-title', tabindex: '-1', text: F.t('staff.s.t.' + st.choice.value) }),
        F.el('p', { className: 'lead', text: period }),
        renderChart(data.table, data.threshold),
        renderTable(data.table),
        F.el('div', { className: 'buttons' }, [S.button('staff.s.csv', download, 'secondary', { 'data-action': 'csv' })]),
      ]),
    );
  }

  /** The export needs the session's token, so it is fetched here and handed to the browser as a file. */
  function download() {
    S.signed
      .withToken(function (token) {
        return fetch(query('csv'), { headers: { Authorization: 'Bearer ' + token, Accept: 'text/csv' }, credentials: 'omit' });
      })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = F.el('a', { href: url, download: 'fabrique-' + config.siteId + '-' + st.choice.value.replace(':', '-') + '-' + st.choice.from + '-' + st.choice.to + '.csv', hidden: true });
        document.body.appendChild(link);
        link.click();
        setTimeout(function () {
          URL.revokeObjectURL(url);
          link.parentNode.removeChild(link);
        }, 1000);
      })
      .catch(function () {
        S.notice(F.t('staff.s.csvFailed'));
      });
  }

  function form() {
    var today = F.today();
    var table = S.select(TABLES.map(function (t) {
      return [t[0], 'staff.s.t.' + t[0]];
    }));
    var from = S.dateInput({ value: today.slice(0, 8) + '01', required: true });
    var to = S.dateInput({ value: today, required: true });
    var f = F.el('form', { novalidate: true, className: 'grid-form', 'data-form': 'stats' }, [
      S.field('staff.s.table', table),
      S.field('staff.s.from', from),
      S.field('staff.s.to', to, 'staff.s.toHint'),
      F.el('div', { className: 'buttons wide' }, [S.button('staff.s.show', null, 'primary', { type: 'submit' })]),
    ]);
    f.addEventListener('submit', function (event) {
      event.preventDefault();
      S.formError(f, '');
      if (!from.value || !to.value || from.value > to.value) return S.formError(f, F.t('staff.s.periodWrong'));
      var chosen = TABLES.filter(function (t) {
        return t[0] === table.value;
      })[0];
      st.choice = { value: chosen[0], table: chosen[1], by: chosen[2], from: from.value, to: to.value };
      S.call('GET', query('json')).then(function (r) {
        // The answer is the table itself with its period and threshold beside it.
        var table = r.body && (r.body.rows ? r.body : r.body.table);
        if (r.status !== 200 || !table || !table.rows) {
          st.data = null;
          render();
          return S.formError(f, r.status === 404 && (!r.body || r.body.code === 'NOT_FOUND') ? F.t('staff.s.notReady') : S.errorText(r));
        }
        st.data = { table: table, threshold: r.body.threshold, period: r.body.period };
        render();
        st.result.querySelector('h3').focus();
      });
    });
    return f;
  }

  S.view('stats', {
    build: function (root) {
      st.result = F.el('div', { className: 'panel-slot' });
      root.appendChild(S.panel('staff.s.pickTitle', [S.tx('p', 'staff.s.help', { className: 'help' }), form()]));
      root.appendChild(st.result);
    },
    refresh: render,
  });
})();
