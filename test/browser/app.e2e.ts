import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { prusaSlicerGcode } from '../../src/jobs/metadata/testing/gcode.fixtures.js';
import { trainedMaker, type Maker } from '../support/booking.js';
import { eventually } from '../support/fake-bridge.js';
import { FollowingClock } from '../support/following-clock.js';
import { api, loginAdmin } from '../support/http.js';
import { startSimulatedBridge, type SimulatedBridge } from '../support/simulated-bridges.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { inPage, launchChromium } from './support/browser.js';
import {
  ARABIC,
  checkView,
  expectMirrored,
  FRENCH,
  gzippedBytes,
  openTab,
  PHONE,
  smallTargets,
  type WalkWords,
} from './support/app-walk.js';

const SITE = 'saint-ouen';
const PRINTER = 'so-prusa-mk4-1';
const ALL_DAY = [['00:00', '24:00']];

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
    bridge = await startSimulatedBridge({
      service: t,
      adminToken: admin,
      mqttUrl: t.mqttUrl,
      topicPrefix: t.config.mqtt.topicPrefix,
      bridgeId: 'sim-app',
      warp: 600,
      seed: 11,
      machines: [{ machineId: PRINTER, adapter: 'simulator-fdm', options: { job: { slicerEstimateS: 600 } } }],
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
    await checkView(page, `app-bookings-${words.lang}.png`);

    // A job: the file's estimate in plain words, queued, followed live to the end.
    await openTab(page, 'jobs');
    await page.locator('#job-file').setInputFiles({
      name: `support-${words.lang}.gcode`,
      mimeType: 'text/plain',
      buffer: Buffer.from(prusaSlicerGcode()),
    });
    await page.locator('#upload-submit').click();
    const job = page.locator('#jobs > li[data-state="draft"]').first();
    await job.waitFor();
    const estimate = await job.locator('.estimate').innerText();
    expect(estimate).toContain(words.estimateTime);
    expect(estimate).toContain(words.estimateGrams);
    expect(estimate).toContain('120');
    await checkView(page, `app-job-${words.lang}.png`);
    await job.locator('[data-action="queue"]').click();
    const followed = page.locator('#jobs > li').first();
    await followed
      .locator(
        '[data-state="queued"], [data-state="dispatching"], [data-state="accepted"], [data-state="transferring"], [data-state="running"], [data-state="completed"]',
      )
      .first()
      .waitFor();
    await page.locator('#jobs > li[data-state="completed"]').first().waitFor();
    expect(await page.locator('#jobs > li').first().innerText()).toContain('Prusa MK4 n°1');
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
