import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { gcodeBody, prusaSlicerGcode } from '../../src/jobs/metadata/testing/gcode.fixtures.js';
import { ASSETS_DIR } from '../../src/pages/page-assets.js';
import { trainedMaker, type Maker } from '../support/booking.js';
import { serverErrorCodes } from '../support/error-codes.js';
import { eventually } from '../support/fake-bridge.js';
import { FollowingClock } from '../support/following-clock.js';
import { api, loginAdmin } from '../support/http.js';
import { startSimulatedBridge, type SimulatedBridge } from '../support/simulated-bridges.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { inPage, launchChromium } from './support/browser.js';
import {
  ARABIC,
  checkView,
  expectInSight,
  expectMirrored,
  FRENCH,
  gzippedBytes,
  openTab,
  PHONE,
  plain,
  smallTargets,
  type WalkWords,
} from './support/app-walk.js';

const SITE = 'saint-ouen';
const PRINTER = 'so-prusa-mk4-1';
const ALL_DAY = [['00:00', '24:00']];
/** PrusaSlicer's estimate in the test file: 1 h 2 min 3 s. */
const FILE_ESTIMATE_S = 3723;

/**
 * A maker's morning in the app, on a phone, in French then in Arabic: sign in, see the machines
 * live, book a slot (and cancel another), send a file and follow it to the end on a simulated
 * printer, then scan the kiosk's QR code at the machine to check in.
 */
describe("the makers' app", () => {
  let t: TestApp;
  let admin: string;
  let bridge: SimulatedBridge;
  let browser: Browser;
  let scenarios = '';
  const makers: Record<string, Maker> = {};
  const pages: Record<string, Page> = {};
  const contexts: BrowserContext[] = [];
  const booked: Record<string, string> = { fr: 'so-prusa-mk4-2', ar: 'so-bambu-p1s' };

  beforeAll(async () => {
    // One after the other: if the service fails to start, no browser is left running.
    t = await startTestApp({
      // Real bridges check commands against their own clock: the service follows real time.
      clock: new FollowingClock(),
      configure: (raw) => {
        raw.auth.accessTokenMinutes = 1440;
        raw.jobs = { staggerSeconds: 0 };
        const site = raw.sites.find((s: { id: string }) => s.id === SITE);
        site.openingHours = Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY]),
        );
        site.closures = [];
      },
    });
    browser = await launchChromium();
    admin = await loginAdmin(t);
    for (const [lang, name] of [
      ['fr', 'Amina Diallo'],
      ['ar', 'يوسف حداد'],
    ]) {
      makers[lang] = await trainedMaker(t, admin);
      await api(t, admin).patch(`/api/v1/users/${makers[lang].id}`, { displayName: name, locale: lang });
    }
    // No job profile: the simulated printer prints what the file says. Its spool runs out
    // half-way through every print, so the page can be read mid-print, whatever the machine's speed.
    scenarios = mkdtempSync(join(tmpdir(), 'fabrique-app-'));
    const halfSpool = join(scenarios, 'half-spool.yaml');
    writeFileSync(halfSpool, 'name: half spool\nfaults:\n  - atPct: 50\n    kind: filament_runout\n');
    bridge = await startSimulatedBridge({
      service: t,
      adminToken: admin,
      mqttUrl: t.mqttUrl,
      topicPrefix: t.config.mqtt.topicPrefix,
      bridgeId: 'sim-app',
      warp: 600,
      seed: 11,
      machines: [{ machineId: PRINTER, adapter: 'simulator-fdm', options: { scenario: halfSpool } }],
    });
    await eventually(async () => {
      const live = await api(t, admin).get(`/api/v1/machines/${PRINTER}/live`);
      return live.body.state === 'idle' ? true : undefined;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.stop();
    await t?.close();
    if (scenarios) rmSync(scenarios, { recursive: true, force: true });
  });

  async function signIn(page: Page, words: WalkWords, maker: Maker): Promise<void> {
    await page.goto(`${t.url}/app/${SITE}`);
    await page.locator('#signin:not([hidden])').waitFor();
    // Before sign-in the page speaks the site's first language; the maker's own comes after.
    expect(await page.locator('label[for="login"]').innerText()).toBe(FRENCH.loginLabel);
    await checkView(page);
    await page.locator('#login').fill(maker.login);
    await page.locator('#password').fill(maker.password);
    await page.locator('#signin button[type="submit"]').click();
    await page.locator(`html[lang="${words.lang}"][dir="${words.dir}"]`).waitFor({ state: 'attached' });
    await page.locator('#view-machines:not([hidden])').waitFor();
    expect(await inPage(page, "sessionStorage.getItem('fabrique.app.session')")).toContain('accessToken');
  }

  async function walk(words: WalkWords): Promise<void> {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    contexts.push(context);
    const page = (pages[words.lang] = await context.newPage());
    const maker = makers[words.lang];
    await signIn(page, words, maker);
    await expectMirrored(page, words.dir === 'rtl');

    // Machines by kind, live: the simulated printer is connected and free.
    await page.locator(`#machines li[data-machine="${PRINTER}"][data-status="free"]`).waitFor();
    expect(await page.locator('#machines section.kind').count()).toBe(2);
    await checkView(page, `app-machines-${words.lang}.png`);

    // Book: the day view of the machine, the first free stretch, an hour.
    const machine = booked[words.lang];
    await page.locator(`#machines li[data-machine="${machine}"] [data-focus="times"]`).click();
    await page.locator('#view-book:not([hidden])').waitFor();
    const slot = page.locator(`#availability [data-machine="${machine}"] button[data-slot]`).first();
    await slot.click();
    await page.locator('#book-form:not([hidden])').waitFor();
    expect(await smallTargets(page)).toEqual([]);
    await checkView(page, `app-book-${words.lang}.png`);
    await page.locator('#book-submit').click();
    await page.locator('#view-bookings:not([hidden])').waitFor();
    const first = page.locator('#bookings > li[data-status="active"]');
    await first.first().waitFor();
    // The week at a glance, then tomorrow: a second booking, cancelled right away.
    await openTab(page, 'book');
    await page.locator('#show-week').click();
    await page.locator('#availability button.day').nth(6).waitFor();
    await checkView(page, `app-week-${words.lang}.png`);
    await page.locator('#availability button.day').nth(1).click();
    await page.locator('#show-day[aria-pressed="true"]').waitFor();
    await page.locator(`#availability [data-machine="${machine}"] button[data-slot]`).first().click();
    await page.locator('#book-submit').click();
    await page.locator('#bookings > li[data-status="active"]').nth(1).waitFor();
    const later = page.locator('#bookings > li[data-status="active"]').nth(1);
    await later.locator('[data-action="cancel"]').click();
    // Confirming is one more press, and focus is already on it.
    expect(await inPage(page, "document.activeElement.getAttribute('data-action')")).toBe('cancel-yes');
    await page.keyboard.press('Enter');
    await page.locator('#bookings > li[data-status="cancelled"]').waitFor();
    expect(await page.locator('#bookings > li[data-status="active"]').count()).toBe(1);
    // Tomorrow's: the day once, then the hours alone (not "Tue 10:00–Tue 11:00"), on one line
    // whatever the language (bidi runs may split the span into boxes, all on the same line).
    const when = page.locator('#bookings > li[data-status="cancelled"] .when');
    expect(plain(await when.innerText())).toMatch(/^[^·\d]+\d+[^·\d]+ · \d\d:\d\d–\d\d:\d\d$/);
    const lines = await when
      .locator('.hours')
      .evaluate((n) => new Set(Array.from(n.getClientRects(), (r: { top: number }) => Math.round(r.top))).size);
    expect(lines).toBe(1);
    await checkView(page, `app-bookings-${words.lang}.png`);

    // Too far ahead: refused in the page's language, with the last day one can book.
    await openTab(page, 'book');
    await page.locator('#show-week').click();
    await page.locator('#next').click();
    await page.locator('#next').click();
    await page.locator('#availability button.day').nth(2).click();
    await page.locator(`#availability [data-machine="${machine}"] button[data-slot]`).first().click();
    await page.locator('#book-submit').click();
    await page.locator('#book-error:not(:empty)').waitFor();
    expect(plain(await page.locator('#book-error').innerText())).toMatch(words.tooFar);
    await page.locator('#book-close').click();

    // A job: the file's estimate in plain words, queued, followed live to the end.
    await openTab(page, 'jobs');
    // The file picker speaks the page's language, not the browser's ("Choose File").
    expect(await page.locator('label[for="job-file"].button').innerText()).toBe(words.choose);
    expect(await page.locator('#job-file-name').innerText()).toBe(words.noFile);
    const fileName = `support-${words.lang}.gcode`;
    await page.locator('#job-file').setInputFiles({
      name: fileName,
      mimeType: 'text/plain',
      buffer: Buffer.from(prusaSlicerGcode()),
    });
    expect(await page.locator('#job-file-name').innerText()).toBe(fileName);
    await page.locator('#upload-submit').click();
    const job = page.locator('#jobs > li[data-state="draft"]').first();
    await job.waitFor();
    // The notice follows a change of language, written in it and the file name kept whole. First
    // thing after the upload: the notice lasts 8 s, and a check must not race it on a slow machine.
    const other = words.lang === 'fr' ? ARABIC : FRENCH;
    await page.locator('#language').selectOption(other.lang);
    await page.locator(`#notice[lang="${other.lang}"][dir="${other.dir}"]`).waitFor();
    const switched = {
      shown: await page.locator('#notice').innerText(),
      text: await page.locator('#notice').textContent(),
    };
    await page.locator('#language').selectOption(words.lang);
    expect(plain(switched.shown)).toBe(other.uploaded(fileName));
    expect(switched.text).toContain(`\u2068${fileName}\u2069`);
    const estimate = await job.locator('.estimate').innerText();
    expect(estimate).toContain(words.estimateTime);
    expect(estimate).toContain(words.estimateGrams);
    expect(estimate).toContain('120');
    await expectInSight(page, job.locator('.estimate'));
    await checkView(page, `app-job-${words.lang}.png`);
    await job.locator('[data-action="queue"]').click();
    // Half-way (the spool ran out): the printer reports the file's own time and layers.
    const stopped = page.locator('#jobs > li[data-state="needs_attention"]').first();
    await stopped.locator('.job-progress').waitFor();
    const progress = plain(await stopped.locator('.job-progress').innerText());
    expect(progress).toMatch(words.halfWay);
    // Where exactly the spool ran out depends on how late the simulator's timers fired on a busy
    // machine; what must hold is that time left and layer both come from the file's own figures.
    const [, minutesLeft, layer] = words.halfWay.exec(progress)!;
    const expectedLeft = (FILE_ESTIMATE_S / 60) * (1 - Number(layer) / 120);
    expect(Math.abs(Number(minutesLeft) - expectedLeft)).toBeLessThanOrEqual(3);
    const jobId = (await stopped.getAttribute('data-job'))!;
    expect((await api(t, maker.token).post(`/api/v1/jobs/${jobId}/resume`)).status).toBe(202);
    const done = page.locator(`#jobs > li[data-job="${jobId}"][data-state="completed"]`);
    await done.waitFor();
    expect(await done.innerText()).toContain('Prusa MK4 n°1');
    // The print took what the file announced, within 10 %, and the card says both.
    const worked = Number(await done.locator('.took').getAttribute('data-worked'));
    expect(Math.abs(worked / FILE_ESTIMATE_S - 1)).toBeLessThan(0.1);
    expect(await done.locator('.took').innerText()).toContain(words.estimateTime);
    await checkView(page, `app-jobs-${words.lang}.png`);

    await openTab(page, 'trainings');
    await page.locator('#trainings > li[data-training="fdm-basics"].held').waitFor();
    await checkView(page);
  }

  /** The machine finished; someone takes the print out and says so. */
  async function clearPrinter(): Promise<void> {
    await eventually(async () => {
      const live = await api(t, admin).get(`/api/v1/machines/${PRINTER}/live`);
      if (live.body.state === 'idle') return true;
      if (live.body.state === 'awaiting_clear') await api(t, admin).post(`/api/v1/machines/${PRINTER}/clear`);
      return undefined;
    });
  }

  /** At the machine: the kiosk's QR code opens the app on it, and offers the check-in. */
  async function scanAndCheckIn(words: WalkWords): Promise<void> {
    const maker = makers[words.lang];
    const mine = await api(t, maker.token).get('/api/v1/me/reservations?status=active');
    const start = Date.parse((mine.body as Array<{ start: string }>)[0].start);
    // Check-in opens 15 minutes before the start: be there 10 minutes early.
    const early = start - 10 * 60_000 - t.clock.now();
    if (early > 0) t.clock.advance(early);
    const page = pages[words.lang];
    await page.goto(`${t.url}/book?site=${SITE}&machine=${booked[words.lang]}`);
    expect(page.url()).toContain(`/app/${SITE}?machine=${booked[words.lang]}`);
    const button = page.locator('#scan [data-action="scan-check-in"]');
    await button.waitFor();
    await checkView(page, `app-scan-${words.lang}.png`);
    await button.click();
    await page.locator('#scan [data-scan="checked-in"]').waitFor();
    await openTab(page, 'bookings');
    await page.locator('#bookings > li[data-status="checkedIn"]').waitFor();
    await checkView(page);
  }

  it('walks a maker in French from sign-in to a booking, a cancellation and a job done', async () => {
    await walk(FRENCH);
  });

  it('walks a maker in Arabic, right to left, the same way', async () => {
    await clearPrinter();
    await walk(ARABIC);
  });

  it('checks both makers in by scanning the kiosk QR code at the machine', async () => {
    await scanAndCheckIn(FRENCH);
    await scanAndCheckIn(ARABIC);
  });

  it('measures the JavaScript shipped and the time to interactive on a 4× slower CPU', async () => {
    const shell = (await api(t).get(`/app/${SITE}`)).text;
    const scripts = [...shell.matchAll(/src="(\/[^"]+\.js[^"]*)"/g)].map((m) => m[1]);
    const js: Record<string, number> = {};
    for (const url of scripts) js[url.replace(/\?.*$/, '')] = await gzippedBytes(`${t.url}${url}`);
    const ownJs = Object.entries(js)
      .filter(([url]) => url.startsWith('/pages/assets/app'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const timings: number[] = [];
    for (let run = 0; run < 3; run++) {
      await page.goto('about:blank');
      const started = Date.now();
      await page.goto(`${t.url}/app/${SITE}`);
      // Interactive: the words are in and the sign-in form answers a key press.
      await page.locator('#signin:not([hidden]) #login').focus();
      await page.keyboard.type('a');
      timings.push(Date.now() - started);
    }
    await context.close();
    const figures = {
      jsGzippedBytes: js,
      totalJsGzipped: Object.values(js).reduce((a, b) => a + b, 0),
      appJsGzipped: ownJs,
      ttiMsAt4xCpu: timings,
    };
    mkdirSync(join(process.cwd(), 'test', '.tmp'), { recursive: true });
    writeFileSync(join(process.cwd(), 'test', '.tmp', 'app-weight.json'), JSON.stringify(figures, null, 2));
    expect(Object.keys(js)).toEqual(expect.arrayContaining(['/pages/assets/app.js', '/socket.io/socket.io.min.js']));
  });

  it("words every refusal the service can send in the page's language, with the numbers it carries", async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${t.url}/app/${SITE}`);
    await page.locator('#signin:not([hidden])').waitFor();
    // Every code the service's source can answer with, and each variant the app words apart.
    const english = JSON.parse(readFileSync(join(ASSETS_DIR, 'i18n', 'app.en.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const cases = serverErrorCodes().flatMap((code) => [
      { code, rule: null as string | null },
      ...Object.keys(english)
        .filter((key) => key.startsWith(`app.err.${code}.`))
        .map((key) => ({ code, rule: key.slice(`app.err.${code}.`.length) })),
    ]);
    const now = Date.now();
    const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
    const details = {
      ...{ minMinutes: 60, minutes: 30, maxMinutes: 480, slotMinutes: 30, minNoticeMinutes: 60, horizonDays: 14 },
      ...{ lastDate: '2026-12-07', date: '2026-11-24', closedAt: at(2), training: 'fdm-basics', expiresAt: at(30) },
      ...{ max: 4, open: 4, limitMinutes: 360, usedMinutes: 390, start: at(26), end: at(27), bufferMinutes: 15 },
      ...{ cutoffMinutes: 60, until: at(1), at: at(-1), opensAt: at(3), minutesBefore: 15, graceMinutes: 15 },
      retryAfterSeconds: 300,
    };
    const worded: Record<string, string[]> = {};
    for (const lang of ['en', 'fr', 'ar']) {
      await page.locator('#language').selectOption(lang);
      await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
      worded[lang] = await inPage<string[]>(
        page,
        `(${JSON.stringify(cases)}).map(function (c) {
          var body = { code: c.code, message: 'The service said it in English.', details: ${JSON.stringify(details)} };
          if (c.rule) body.details.rule = c.rule;
          return FabriqueApp.errorText({ status: 422, body: body });
        })`,
      );
      const generic = await inPage<string>(page, "Fabrique.t('common.error')");
      const wrong = cases.filter((_, i) => {
        const text = worded[lang][i];
        return text.includes('in English') || /\{\w+\}/.test(text) || text === generic;
      });
      expect([lang, wrong]).toEqual([lang, []]);
    }
    // In French and Arabic, no sentence is left in English.
    for (const lang of ['fr', 'ar']) {
      expect(cases.filter((_, i) => worded[lang][i] === worded.en[i])).toEqual([]);
    }
    // The numbers the refusal carries are in the sentence.
    const quota = cases.findIndex((c) => c.code === 'QUOTA_EXCEEDED' && c.rule === 'day');
    expect(worded.fr[quota]).toBe(
      'Vous pouvez réserver au plus 6 h par jour ; avec celle-ci vous auriez 6 h 30 min le mardi 24 novembre.',
    );
    await context.close();
  });

  it('shows how much of a large file is sent, on a slow connection', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, FRENCH, makers.fr);
    await openTab(page, 'jobs');
    // A slow upload link (about 200 KB/s), as Chromium's DevTools throttle it.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: 1_000_000,
      uploadThroughput: 200_000,
    });
    // Every value the bar takes, as the page shows it.
    await inPage(
      page,
      `window.seenProgress = [];
      new MutationObserver(function () {
        var bar = document.querySelector('#upload-progress [role="progressbar"]');
        if (bar) window.seenProgress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.getElementById('upload-progress'), { childList: true, subtree: true });`,
    );
    const big = Buffer.from(prusaSlicerGcode(gcodeBody(120, 1_200_000)));
    await page.locator('#job-file').setInputFiles({ name: 'grand-support.gcode', mimeType: 'text/plain', buffer: big });
    await page.locator('#upload-submit').click();
    await page
      .locator('#upload-progress [role="progressbar"]:not([aria-valuenow="0"]):not([aria-valuenow="100"])')
      .waitFor({ timeout: 20_000 });
    await checkView(page, 'app-upload-fr.png');
    await page.locator('#jobs > li[data-state="draft"]').first().waitFor({ timeout: 30_000 });
    const seen = await inPage<number[]>(page, 'window.seenProgress');
    expect(seen.some((pct) => pct > 0 && pct < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await page.locator('#upload-progress').isHidden()).toBe(true);
    await context.close();
  }, 60_000);

  it('keeps the language a maker picks in their account, for their next phone', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, FRENCH, makers.fr);
    await page.locator('#language').selectOption('en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    const locale = async () => (await api(t, makers.fr.token).get('/api/v1/me')).body.locale;
    expect(await eventually(async () => ((await locale()) === 'en' ? 'en' : undefined))).toBe('en');
    await page.locator('#language').selectOption('fr');
    expect(await eventually(async () => ((await locale()) === 'fr' ? 'fr' : undefined))).toBe('fr');
    await context.close();
  });
});
