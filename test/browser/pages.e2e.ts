import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTERVENTION_KINDS, MACHINE_STATES, SEVERITIES } from '@fabrique/firmware-bridge';
import { Linter } from 'eslint';
import { MACHINE_KINDS } from '../../src/config/app-config.js';
import type { AlertKind } from '../../src/machines/alert.rules.js';
import { STATUS_PRECEDENCE } from '../../src/live/occupancy.rules.js';
import { ASSETS_DIR } from '../../src/pages/page-assets.js';
import { BLOCK_CATEGORIES } from '../../src/reservations/block.entity.js';
import type { ReservationStatus } from '../../src/reservations/reservation.entity.js';
import { serverErrorCodes } from '../support/error-codes.js';
import { api, createAccount, loginAdmin } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LANGUAGES = ['en', 'fr', 'ar'];
/** The shared words, or with `page` that page's own (`i18n/<page>.<lang>.json`; none: empty). */
const dictionary = (lang: string, page?: string): Record<string, unknown> => {
  const file = join(ASSETS_DIR, 'i18n', page ? `${page}.${lang}.json` : `${lang}.json`);
  return page && !existsSync(file) ? {} : JSON.parse(readFileSync(file, 'utf8'));
};
/** `app-book.js` and `app.html` belong to the app page; `common.js` to every page. */
const PAGES = ['kiosk', 'board', 'app', 'staff'];
const pageOf = (file: string) => PAGES.find((page) => file === `${page}.html` || file.startsWith(page)) ?? null;
const assetText = (name: string) => readFileSync(join(ASSETS_DIR, name), 'utf8');

/** Bytes on the wire for one GET, as a browser asking for gzip (or a client without it) receives them. */
function transferred(url: string, gzip = true): Promise<{ status: number; bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          bytes,
          encoding: String(response.headers['content-encoding'] ?? ''),
        }),
      );
    }).on('error', reject);
  });
}

describe('the pages: their files, words and the pairing of screens', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    // Sessions outlive the pairing tests' jumps of the clock.
    t = await startTestApp({ configure: (raw) => (raw.auth.accessTokenMinutes = 1440) });
    adminToken = await loginAdmin(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('serves page files gzipped, cached for good when versioned, and nothing else', async () => {
    const shell = (await api(t).get('/board/saint-ouen')).text;
    const version = /\/pages\/assets\/board\.js\?v=([0-9a-f]{12})/.exec(shell)?.[1];
    expect(version).toBeDefined();
    const versioned = await api(t).get(`/pages/assets/board.js?v=${version}`).set('Accept-Encoding', 'gzip');
    expect(versioned.status).toBe(200);
    expect(versioned.headers['content-encoding']).toBe('gzip');
    expect(versioned.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const revalidated = await api(t).get('/pages/assets/board.js').set('If-None-Match', `"${version}"`);
    expect(revalidated.status).toBe(304);
    expect((await api(t).get('/pages/assets/i18n/ar.json')).body['meta.name']).toBe('العربية');
    expect((await api(t).get('/pages/assets/qrcode.js')).status).toBe(200);
    for (const path of [
      '/pages/assets/kiosk.html',
      '/pages/assets/page-assets.ts',
      '/pages/assets/..%2Fpages.module.ts',
      '/pages/assets/i18n/..%2F..%2Fpages.controller.ts',
      '/pages/assets/nope.js',
    ]) {
      expect([path, (await api(t).get(path)).status]).toEqual([path, 404]);
    }
  });

  it('measures the weight of every page (HTML, CSS, JS and words, gzipped)', async () => {
    const weights: Record<string, Record<string, number>> = {};
    for (const page of PAGES) {
      const shell = (await api(t).get(`/${page}/saint-ouen`)).text;
      const urls = [`/${page}/saint-ouen`, ...[...shell.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1])];
      for (const lang of LANGUAGES) urls.push(`/pages/assets/i18n/${lang}.json`);
      for (const lang of LANGUAGES) {
        if (Object.keys(dictionary(lang, page)).length) urls.push(`/pages/assets/i18n/${page}.${lang}.json`);
      }
      weights[page] = {};
      let raw = 0;
      for (const url of urls) {
        const answer = await transferred(`${t.url}${url}`);
        expect([url, answer.status]).toEqual([url, 200]);
        expect([url, answer.encoding]).toEqual([url, 'gzip']);
        weights[page][url.replace(/\?.*$/, '')] = answer.bytes;
        raw += (await transferred(`${t.url}${url}`, false)).bytes;
      }
      weights[page].total = Object.values(weights[page]).reduce((a, b) => a + b, 0);
      weights[page].uncompressed = raw;
    }
    mkdirSync(join(process.cwd(), 'test', '.tmp'), { recursive: true });
    writeFileSync(join(process.cwd(), 'test', '.tmp', 'page-weight.json'), JSON.stringify(weights, null, 2));
    // An old TV stick on the centre's Wi-Fi: the whole kiosk in well under 64 KB.
    expect(weights.kiosk.total).toBeLessThan(64 * 1024);
  });

  it('has every word in French, English and Arabic, for every state the service can send', () => {
    const [en, ...others] = LANGUAGES.map((lang) => dictionary(lang));
    for (const words of others) expect(Object.keys(words).sort()).toEqual(Object.keys(en).sort());
    for (const page of PAGES) {
      const [pageEn, ...pageOthers] = LANGUAGES.map((lang) => dictionary(lang, page));
      for (const words of pageOthers)
        expect([page, Object.keys(words).sort()]).toEqual([page, Object.keys(pageEn).sort()]);
    }
    const known = (key: string, file: string) => key in en || key in dictionary('en', pageOf(file) ?? undefined);
    const reservationStatuses: Array<ReservationStatus | 'checkedIn'> = [
      'active',
      'checkedIn',
      'completed',
      'cancelled',
      'no_show',
    ];
    const alertKinds: AlertKind[] = [
      'machine_offline',
      'machine_error',
      'intervention_waiting',
      'awaiting_clear_too_long',
    ];
    const needed = [
      ...STATUS_PRECEDENCE.map((s) => `status.${s}`),
      ...MACHINE_KINDS.map((k) => `kind.${k}`),
      ...[...INTERVENTION_KINDS, 'awaiting_clear', 'error', 'paused_intervention', 'paused_error', 'other'].map(
        (w) => `attention.${w}`,
      ),
      ...MACHINE_STATES.map((s) => `state.${s}`),
      ...SEVERITIES.map((s) => `severity.${s}`),
      ...['resume', 'cancel', 'confirm_step', 'attend_at_machine'].map((a) => `board.action.${a}`),
      ...['NOT_AWAITING_CLEAR', 'NO_SERVING_BRIDGE', 'MQTT_UNAVAILABLE'].map((c) => `board.err.${c}`),
      ...alertKinds.map((k) => `alert.${k}`),
      ...reservationStatuses.map((s) => `reservation.${s}`),
      ...BLOCK_CATEGORIES.map((c) => `block.${c}`),
    ];
    const missing = needed.filter((key) => !(key in en));
    // Keys written out in the pages' scripts and HTML, looked up in the shared words and the page's own.
    for (const file of readdirSync(ASSETS_DIR).filter((f) => /\.(js|html)$/.test(f))) {
      const text = assetText(file);
      const keys: string[] = [];
      for (const m of text.matchAll(
        /'((?:common|kiosk|board|app|staff|machine|kind|time|attention|status|open)\.[A-Za-z_.]*[A-Za-z_])'/g,
      ))
        keys.push(m[1]);
      if (file.endsWith('.html')) {
        for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) keys.push(m[1]);
        for (const m of text.matchAll(/data-i18n-attr="([^"]+)"/g))
          keys.push(...m[1].split(';').map((p) => p.split(':')[1]));
      }
      missing.push(...keys.filter((key) => !known(key, file)).map((key) => `${file}: ${key}`));
    }
    expect([...new Set(missing)]).toEqual([]);
    for (const lang of LANGUAGES) {
      for (const page of [undefined, ...PAGES]) {
        const words = dictionary(lang, page);
        const empty = Object.keys(words).filter((key) => JSON.stringify(words[key]).length <= 2);
        expect([lang, page, empty]).toEqual([lang, page, []]);
      }
    }
  });

  it("words every refusal code of the service in the makers' app, in every language", () => {
    const codes = serverErrorCodes();
    // The scan reads the source: it must still find codes of every shape the service writes.
    expect(codes).toEqual(
      expect.arrayContaining(['QUOTA_EXCEEDED', 'NO_MATCHING_MACHINE', 'CHECK_IN_CLOSED', 'PAYLOAD_TOO_LARGE']),
    );
    for (const lang of LANGUAGES) {
      const words = dictionary(lang, 'app');
      const missing = codes.filter((code) => !(`app.err.${code}` in words));
      expect([lang, missing]).toEqual([lang, []]);
    }
  });

  it('lists every refusal code of the service in docs/api.md', () => {
    const documented = readFileSync(join(process.cwd(), 'docs', 'api.md'), 'utf8');
    const missing = serverErrorCodes().filter((code) => !documented.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });

  it('ships page scripts an old TV browser runs: ES2017, browser globals declared', () => {
    const linter = new Linter();
    for (const file of readdirSync(ASSETS_DIR).filter((f) => f.endsWith('.js'))) {
      const messages = linter.verify(assetText(file), {
        languageOptions: { ecmaVersion: 2017, sourceType: 'script' },
        rules: { 'no-undef': 'error', strict: ['error', 'function'] },
      });
      expect([file, messages.map((m) => `${m.line}:${m.column} ${m.message}`)]).toEqual([file, []]);
    }
  });

  describe('pairing a lobby screen with a one-time code', () => {
    const pair = (code: string, siteId = 'saint-ouen') => api(t).post('/kiosk/pair', { code, siteId });

    it('gives staff of the site a 6-digit code valid 10 minutes, and nobody else', async () => {
      const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
      const issued = await api(t, staff.token).post('/api/v1/sites/saint-ouen/kiosk-pairing', { label: 'Hall TV' });
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({
        code: expect.stringMatching(/^\d{6}$/),
        siteId: 'saint-ouen',
        expiresAt: expect.any(String),
      });
      expect(Date.parse(issued.body.expiresAt) - t.clock.now()).toBe(10 * 60_000);
      const maker = await createAccount(t, adminToken, { role: 'maker' });
      expect((await api(t, maker.token).post('/api/v1/sites/saint-ouen/kiosk-pairing')).status).toBe(403);
      const dakarStaff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['dakar'] });
      expect((await api(t, dakarStaff.token).post('/api/v1/sites/saint-ouen/kiosk-pairing')).status).toBe(404);
      expect((await api(t).post('/api/v1/sites/saint-ouen/kiosk-pairing')).status).toBe(401);
      expect((await api(t, adminToken).post('/api/v1/sites/atlantis/kiosk-pairing')).status).toBe(404);
    });

    it('exchanges a code once for a kiosk token of that site, which reads it and nothing else', async () => {
      const { code } = (await api(t, adminToken).post('/api/v1/sites/saint-ouen/kiosk-pairing')).body;
      const paired = await pair(code);
      expect(paired.status).toBe(200);
      expect(paired.body).toEqual({ token: expect.stringMatching(/^kiosk_/), siteId: 'saint-ouen' });
      expect((await api(t, paired.body.token).get('/api/v1/sites/saint-ouen/machines')).status).toBe(200);
      expect((await api(t, paired.body.token).get('/api/v1/sites/dakar/machines')).status).toBe(404);
      expect((await pair(code)).body.code).toBe('PAIRING_CODE_INVALID');
      const devices = (await api(t, adminToken).get('/api/v1/devices')).body as Array<{ kind: string; label: string }>;
      expect(devices.some((d) => d.kind === 'kiosk' && d.label === 'Lobby screen (Saint-Ouen)')).toBe(true);
    });

    it('refuses a code on another site (and spends it), an expired code and a malformed one', async () => {
      const { code } = (await api(t, adminToken).post('/api/v1/sites/saint-ouen/kiosk-pairing')).body;
      expect((await pair(code, 'dakar')).status).toBe(404);
      expect((await pair(code)).status).toBe(404);
      const late = (await api(t, adminToken).post('/api/v1/sites/saint-ouen/kiosk-pairing')).body.code;
      t.clock.advance(10 * 60_000);
      expect((await pair(late)).status).toBe(404);
      expect((await pair('12345')).body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'code' });
    });

    it('stops guessing after 10 wrong codes from one address', async () => {
      t.clock.advance(11 * 60_000); // a fresh window
      const { code } = (await api(t, adminToken).post('/api/v1/sites/saint-ouen/kiosk-pairing')).body;
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 10; i++) expect((await pair(wrong)).status).toBe(404);
      const refused = await pair(code);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      t.clock.advance(10 * 60_000 + 1);
      expect((await pair(code)).status).toBe(404); // expired meanwhile, but heard again
    });
  });
});
