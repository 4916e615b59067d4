import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { book } from '../support/booking.js';
import { LiveService } from '../../src/live/live.service.js';
import { login } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectNoSeriousA11yViolation, launchChromium, screenshot } from './support/browser.js';
import { BOOKED, IN_MAINTENANCE, MAINTENANCE_NOTICE, PRINTER, RUNNING, setUpDemo, type Demo } from './support/demo.js';
import { DESK, PHONE, TV, plain, signInApp } from './support/app-walk.js';

jest.setTimeout(30_000);

/** Monday 23 November 2026, 22:23 in Saint-Ouen: closed since 19:00, open again Tuesday at 10:00. */
const MONDAY_NIGHT = Date.parse('2026-11-23T22:23:00+01:00');
/** Thursday 24 December 2026: the winter holidays (config), open again on Saturday 2 January. */
const HOLIDAYS = Date.parse('2026-12-24T11:00:00+01:00');

type Lang = 'fr' | 'en' | 'ar';

/** What a maker reads at 22:23, in each language. */
const EVENING: Record<
  Lang,
  { banner: string; kind: string; freeAtOpening: string; booked: string; qr: string; back: string }
> = {
  fr: {
    banner: 'Fermé — ouvre demain à 10:00',
    kind: 'Fablab fermé',
    freeAtOpening: "2 libres à l'ouverture",
    booked: 'Libre dès demain à 11:15',
    qr: 'Fermé maintenant\u00a0: réservez pour demain à 10:00',
    back: 'Retour prévu mercredi à 14:00',
  },
  en: {
    banner: 'Closed — opens tomorrow at 10:00',
    kind: 'Fablab closed',
    freeAtOpening: '2 free when we open',
    booked: 'Free from tomorrow at 11:15',
    qr: 'Closed now: book for tomorrow at 10:00',
    back: 'Expected back Wednesday at 14:00',
  },
  ar: {
    banner: 'مغلق — يفتح غدًا الساعة 10:00',
    kind: 'المختبر مغلق',
    freeAtOpening: 'متاحة عند الافتتاح: 2',
    booked: 'متاحة غدًا الساعة 11:15',
    qr: 'مغلق الآن: احجز لوقت الافتتاح، غدًا الساعة 10:00',
    back: 'العودة المتوقعة الأربعاء الساعة 14:00',
  },
};

const HOLIDAY_BANNER: Record<Lang, RegExp> = {
  fr: /^Fermé \(Winter holidays\) — ouvre samedi 2 janvier à 10:00$/,
  en: /^Closed \(Winter holidays\) — opens Saturday,? 2 January at 10:00$/,
  ar: /^مغلق \(Winter holidays\) — يفتح السبت،? 2 يناير الساعة 10:00$/,
};

/**
 * The centre closed, as the lobby screen and a maker's phone show it: at night after closing and
 * on a holiday. Nothing says "free now" or invites to book now; both say when it opens and what
 * will be free then, in French, English and Arabic.
 */
describe('the kiosk and the app while the centre is closed', () => {
  let t: TestApp;
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchChromium()]);
    demo = await setUpDemo(t);
    t.clock.set(MONDAY_NIGHT);
    demo.maker.token = await login(t, demo.maker.login, demo.maker.password);
    // Booked for the first hour tomorrow: that printer is free after it (and its 15-minute buffer).
    const tomorrow = await book(t, demo.maker.token, {
      machineId: BOOKED,
      start: '2026-11-24T10:00:00+01:00',
      end: '2026-11-24T11:00:00+01:00',
    });
    expect(tomorrow.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.bridge.clearRetained();
    await demo?.bridge.close();
    await t?.close();
  });

  async function kiosk(lang: Lang): Promise<Page> {
    const page = await (await browser.newContext({ viewport: TV })).newPage();
    page.setDefaultTimeout(5_000);
    await page.goto(`${t.url}/kiosk/saint-ouen?rotate=0&lang=${lang}#token=${demo.kioskToken}`);
    await page.locator('#opening:not([hidden])').waitFor();
    return page;
  }

  it.each(['fr', 'en', 'ar'] as const)(
    'says on the kiosk that the centre is closed, when it opens and what is free then (%s)',
    async (lang) => {
      const words = EVENING[lang];
      const page = await kiosk(lang);
      expect(plain(await page.locator('#opening').innerText())).toBe(words.banner);
      const printers = page.locator('[data-kind="fdm_printer"]');
      expect(await printers.getAttribute('data-free')).toBe('0');
      expect(plain(await printers.innerText())).toContain(words.kind);
      expect(plain(await printers.innerText())).toContain(words.freeAtOpening);
      // Nothing "free now": idle machines wait for the opening, a print runs on overnight.
      expect(await page.locator('[data-status="free"]').count()).toBe(0);
      expect(await page.locator(`[data-machine="${PRINTER}"]`).getAttribute('data-status')).toBe('closed');
      expect(await page.locator(`[data-machine="${RUNNING}"]`).getAttribute('data-status')).toBe('in_use');
      process.stdout.write((await page.locator(`[data-machine="${BOOKED}"]`).innerText()) + '\n');
      expect(plain(await page.locator(`[data-machine="${BOOKED}"]`).innerText())).toContain(words.booked);
      // The QR code books for the opening day, never "this machine, now".
      expect(await page.locator('#qr').getAttribute('data-url')).toBe(
        `${t.config.server.publicUrl}/book?site=saint-ouen&date=2026-11-24`,
      );
      expect(plain(await page.locator('#book-title').innerText())).toBe(words.qr);
      expect(await page.locator('#book-machine').isHidden()).toBe(true);
      await expectNoSeriousA11yViolation(page);
      if (lang !== 'en') await screenshot(page, `kiosk-closed-${lang}.png`);
      await page.context().close();
    },
  );

  const SIZES: Array<[Lang, 'phone' | 'desk']> = [
    ['fr', 'phone'],
    ['ar', 'phone'],
    ['en', 'desk'],
  ];
  it.each(SIZES)(
    'says in the app that the centre is closed and opens booking on the day it opens (%s, %s)',
    async (lang, size) => {
      const viewport = size === 'phone' ? PHONE : DESK;
      const words = EVENING[lang];
      const page = await (await browser.newContext({ viewport, isMobile: viewport === PHONE })).newPage();
      page.setDefaultTimeout(5_000);
      // Where the kiosk's code leads while closed.
      await page.goto(`${t.url}/book?site=saint-ouen&date=2026-11-24`);
      await signInApp(page, demo.maker, lang);
      await page.locator('#view-book:not([hidden])').waitFor();
      await page.locator('#availability [data-machine] button[data-slot]').first().waitFor();
      expect(await page.locator('#book-date').innerText()).toBe(
        { fr: 'mardi 24 novembre', en: 'Tuesday 24 November', ar: 'الثلاثاء، 24 نوفمبر' }[lang],
      );
      await page.locator('#tabs a[data-view="machines"]').click();
      await page.locator('#opening:not([hidden])').waitFor();
      expect(plain(await page.locator('#opening').innerText())).toBe(words.banner);
      await page.locator(`#machines li[data-machine="${PRINTER}"][data-status="closed"]`).waitFor();
      expect(
        plain(await page.locator('#machines section[aria-labelledby="kind-fdm_printer"] h3').innerText()),
      ).toContain(words.freeAtOpening);
      expect(plain(await page.locator(`#machines li[data-machine="${BOOKED}"]`).innerText())).toContain(words.booked);
      expect(await page.locator('#machines [data-status="free"]').count()).toBe(0);
      // Out of service: the public reason staff gave, and when it should be back.
      const away = plain(await page.locator(`#machines li[data-machine="${IN_MAINTENANCE}"]`).innerText());
      expect(away).toContain(MAINTENANCE_NOTICE);
      expect(away).toContain(words.back);
      await expectNoSeriousA11yViolation(page);
      if (lang !== 'en') await screenshot(page, `app-closed-${lang}.png`);
      await page.context().close();
    },
  );

  it.each(['fr', 'en', 'ar'] as const)(
    'names the closure and the day it opens after the holidays (%s)',
    async (lang) => {
      t.clock.set(HOLIDAYS);
      // What the minute tick does within a minute of real time, done now: the clock jumped a month.
      await t.app.get(LiveService).recompute('saint-ouen');
      const screen = await kiosk(lang);
      expect(plain(await screen.locator('#opening').innerText())).toMatch(HOLIDAY_BANNER[lang]);
      expect(await screen.locator('#qr').getAttribute('data-url')).toContain('&date=2027-01-02');
      await screen.context().close();

      const phone = await (await browser.newContext({ viewport: PHONE, isMobile: true })).newPage();
      phone.setDefaultTimeout(5_000);
      await phone.goto(`${t.url}/app/saint-ouen`);
      await signInApp(phone, demo.maker, lang);
      await phone.locator('#opening:not([hidden])').waitFor();
      expect(plain(await phone.locator('#opening').innerText())).toMatch(HOLIDAY_BANNER[lang]);
      await phone.locator('#tabs a[data-view="book"]').click();
      await phone.locator('#availability [data-machine] button[data-slot]').first().waitFor();
      expect(await phone.locator('#book-date').innerText()).toMatch(
        { fr: /^samedi 2 janvier$/, en: /^Saturday,? 2 January$/, ar: /^السبت،? 2 يناير$/ }[lang],
      );
      await phone.context().close();
    },
  );
});
