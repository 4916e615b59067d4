import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api, createAccount } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { DESK, plain, signInApp } from './support/app-walk.js';
import { expectNoSeriousA11yViolation, inPage, launchChromium, screenshot } from './support/browser.js';
import {
  awaitingClear,
  BOOKED,
  EMBROIDERY,
  MAKER_NAME,
  PRINTER,
  RUNNING,
  runJobFor,
  setUpDemo,
  type Demo,
} from './support/demo.js';

describe('the staff live board', () => {
  let t: TestApp;
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  const card = (machineId: string) => page.locator(`#machines > li[data-machine="${machineId}"]`);

  async function signIn(login: string, password: string): Promise<void> {
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await page.locator('#signin button[type="submit"]').click();
  }

  beforeAll(async () => {
    // One after the other: if the service fails to start, no browser is left running.
    // Sessions outlive the 16 minutes the test clock jumps.
    t = await startTestApp({ configure: (raw) => (raw.auth.accessTokenMinutes = 1440) });
    browser = await launchChromium();
    demo = await setUpDemo(t);
    await demo.bridge.send(demo.bridge.encoder.state(PRINTER, awaitingClear()));
    // A workshop on the embroidery machines this afternoon, and one next week (not today).
    for (const [start, end] of [
      ['2026-11-23T14:00:00+01:00', '2026-11-23T16:00:00+01:00'],
      ['2026-11-30T14:00:00+01:00', '2026-11-30T16:00:00+01:00'],
    ]) {
      const block = await api(t, demo.adminToken).post('/api/v1/sites/saint-ouen/blocks', {
        kind: 'embroidery',
        reason: 'Atelier broderie débutants',
        category: 'workshop',
        start,
        end,
      });
      expect(block.status).toBe(201);
    }
    // The finished print has been waiting on the plate for 16 minutes.
    t.clock.advance(16 * 60_000);
    page = await (await browser.newContext({ viewport: DESK })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.bridge.clearRetained();
    await demo?.bridge.close();
    await t?.close();
  });

  it('asks for a sign-in and turns away an account that does not run the site', async () => {
    await page.goto(`${t.url}/board/saint-ouen`);
    await page.locator('#signin-form').waitFor();
    expect(await page.locator('label[for="login"]').innerText()).toBe('E-mail ou code membre');
    await signIn(demo.maker.login, demo.maker.password);
    await page.locator('#signin-error:not(:empty)').waitFor();
    expect(await page.locator('#signin-error').innerText()).toContain('Ce compte ne peut pas voir ce tableau');
    await signIn(demo.staff.login, 'not the password');
    await page.locator('#signin-error', { hasText: 'incorrect' }).waitFor();
    const dakarStaff = await createAccount(t, demo.adminToken, { role: 'staff', siteIds: ['dakar'] });
    await signIn(dakarStaff.login, dakarStaff.password);
    await page.locator('#signin-error', { hasText: 'Ce compte' }).waitFor();
    expect(await page.locator('#app').isHidden()).toBe(true);
  });

  it('shows staff every machine live, with who is on it, the alerts and today', async () => {
    await signIn(demo.staff.login, demo.staff.password);
    await card(EMBROIDERY).waitFor();
    expect(await inPage(page, "sessionStorage.getItem('fabrique.board.session')")).toContain('accessToken');
    expect(await page.locator('#machines > li').count()).toBe(5);
    expect(await card(PRINTER).innerText()).toContain("La machine indique : attend d'être vidée");
    expect(await card(BOOKED).innerText()).toMatch(new RegExp(`Ensuite : .${MAKER_NAME}. à 10:30`));
    expect(await card(RUNNING).locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('41');
    expect(await card(EMBROIDERY).innerText()).toContain('Upper thread broken on needle 4');

    // Alerts, most severe first, in plain words.
    await page.locator('#alerts > li[data-alert="awaiting_clear_too_long"]').waitFor();
    const alertKinds = await page
      .locator('#alerts > li')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-alert')));
    expect(alertKinds).toEqual(expect.arrayContaining(['intervention_waiting', 'awaiting_clear_too_long']));
    expect(await page.locator('#alerts').innerText()).toContain('Travail terminé toujours pas retiré');

    // Today: the reservation with its maker, the workshop (not next week's).
    await page.locator('#reservations tbody', { hasText: MAKER_NAME }).waitFor();
    expect(plain(await page.locator('#reservations tbody').innerText())).toMatch(
      new RegExp(`10:30–12:00\\s+Prusa MK4 n°2\\s+${MAKER_NAME}\\s+Réservée`),
    );
    expect(await page.locator('#blocks > li').count()).toBe(1);
    expect(plain(await page.locator('#blocks').innerText())).toMatch(
      /14:00–16:00 · Atelier\s+Atelier broderie débutants/,
    );
  });

  it('offers resume and cancel where the machine lists them, disabled with the reason', async () => {
    const resume = card(EMBROIDERY).locator('button[data-action="resume"]');
    expect(await resume.getAttribute('aria-disabled')).toBe('true');
    await resume.focus();
    const tip = card(EMBROIDERY).locator('[role="tooltip"]').first();
    await tip.waitFor({ state: 'visible' });
    expect(await tip.innerText()).toBe('Pas encore possible depuis le tableau : faites-le sur la machine.');
    expect(await card(EMBROIDERY).locator('button[data-action="cancel"]').getAttribute('aria-disabled')).toBe('true');
    expect(await card(EMBROIDERY).innerText()).toContain("Quelqu'un doit aller à la machine.");
    // Still operable: pressing it says why nothing happens.
    await page.keyboard.press('Enter');
    await page.locator('#notice', { hasText: /^Pas encore possible/ }).waitFor();
  });

  it('clears a build area with a click: the bridge receives clear_confirm', async () => {
    await card(PRINTER).locator('button[data-action="clear"]').click();
    const command = await demo.bridge.nextCommand((c) => c.command === 'clear_confirm');
    expect(command).toMatchObject({ command: 'clear_confirm', expectState: ['awaiting_clear'] });
    await page.locator('#notice', { hasText: /^Envoyé à \u2068Bambu Lab P1S\u2069\./ }).waitFor();
  });

  it("names the maker of the job on a machine, to staff only: not on the kiosk, not in another maker's app", async () => {
    const name = 'porte-cles.gcode';
    await runJobFor(t, demo, name);
    const line = card(PRINTER).locator('.who.job');
    await line.waitFor();
    expect(plain(await line.innerText())).toBe(`Travail : ${name} — pour ${MAKER_NAME}`);

    const others = await browser.newContext({ viewport: DESK });
    const kiosk = await others.newPage();
    await kiosk.goto(`${t.url}/kiosk/saint-ouen?rotate=0#token=${demo.kioskToken}`);
    await kiosk.locator(`[data-machine="${PRINTER}"][data-status="in_use"]`).waitFor();
    expect(await kiosk.locator('body').innerText()).not.toContain(MAKER_NAME);
    const stranger = await createAccount(t, demo.adminToken, { role: 'maker' });
    const app = await others.newPage();
    await app.goto(`${t.url}/app/saint-ouen`);
    await signInApp(app, stranger, 'fr');
    await app.locator(`#machines li[data-machine="${PRINTER}"][data-status="in_use"]`).waitFor();
    expect(await app.locator('body').innerText()).not.toContain(MAKER_NAME);
    await others.close();
  });

  it('is usable with the keyboard: mark an alert as seen, then show it again', async () => {
    await page.locator('#alerts-title').focus();
    let tries = 0;
    const focused = () => inPage(page, "document.activeElement && document.activeElement.getAttribute('data-action')");
    while ((await focused()) !== 'ack' && tries++ < 10) {
      await page.keyboard.press('Tab');
    }
    const before = await page.locator('#alerts > li').count();
    await page.keyboard.press('Enter');
    await page
      .locator('#alerts > li')
      .nth(before - 1)
      .waitFor({ state: 'detached' });
    expect(await page.locator('#acked-count').innerText()).toBe('1 alerte marquée comme vue.');
    await page.locator('#show-acked').click();
    await page
      .locator('#alerts > li')
      .nth(before - 1)
      .waitFor();
  });

  it('has no serious or critical accessibility problem, in French and in Arabic (right to left)', async () => {
    await page.locator('#notice').evaluate((n) => (n.textContent = ''));
    await screenshot(page, 'board-fr.png');
    await expectNoSeriousA11yViolation(page);
    await page.locator('#language').selectOption('ar');
    await page.locator('html[dir="rtl"][lang="ar"]').waitFor({ state: 'attached' });
    expect(await page.locator('#machines-title').innerText()).toBe('الآلات');
    await screenshot(page, 'board-ar.png');
    await expectNoSeriousA11yViolation(page);
  });
});
