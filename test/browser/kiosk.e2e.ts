import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../support/fake-bridge.js';
import { api } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { plain, TV } from './support/app-walk.js';
import { expectNoSeriousA11yViolation, inPage, launchChromium, Relay, screenshot } from './support/browser.js';
import {
  awaitingClear,
  BOOKED,
  EMBROIDERY,
  IN_MAINTENANCE,
  MAINTENANCE_NOTICE,
  PRINTER,
  RUNNING,
  setUpDemo,
  type Demo,
} from './support/demo.js';

const MACHINES = [PRINTER, 'so-brother-pp1', RUNNING, BOOKED, EMBROIDERY];

describe('the lobby kiosk page', () => {
  let t: TestApp;
  let relay: Relay;
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const status = (machineId: string) => page.locator(`[data-machine="${machineId}"]`).getAttribute('data-status');

  beforeAll(async () => {
    relay = await new Relay().start();
    // One after the other: if the service fails to start, no browser is left running.
    t = await startTestApp({ configure: (raw) => (raw.server.publicUrl = relay.url) });
    browser = await launchChromium();
    relay.to(t.url);
    demo = await setUpDemo(t);
    context = await browser.newContext({ viewport: TV });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.bridge.clearRetained();
    await demo?.bridge.close();
    await t?.close();
    await relay?.close();
  });

  it('serves a public shell that holds no credential, and 404 for an unknown site', async () => {
    const shell = await api(t).get('/kiosk/saint-ouen');
    expect(shell.status).toBe(200);
    expect(shell.headers['content-security-policy']).toContain("script-src 'self'");
    expect(shell.headers['cache-control']).toBe('no-store');
    expect(shell.text).not.toMatch(/kiosk_|Bearer|accessToken/);
    expect(shell.text).toContain('<html lang="fr" dir="ltr">');
    expect(shell.text).toMatch(/\/pages\/assets\/kiosk\.js\?v=[0-9a-f]{12}/);
    expect((await api(t).get('/kiosk/atlantis')).status).toBe(404);
    expect((await api(t).get('/kiosk/..%2F..%2Fetc')).status).toBe(404);
  });

  it('renders the demo site from the token in the URL fragment, then forgets the fragment', async () => {
    await page.goto(`${relay.url}/kiosk/saint-ouen?rotate=0#token=${demo.kioskToken}`);
    await page
      .locator('#machines > li')
      .nth(MACHINES.length - 1)
      .waitFor();
    expect(
      (
        await page.locator('[data-machine]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-machine')))
      ).sort(),
    ).toEqual([...MACHINES].sort());
    expect(page.url()).toBe(`${relay.url}/kiosk/saint-ouen?rotate=0`);
    expect(await inPage(page, TOKEN_IN_STORAGE)).toBe(demo.kioskToken);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    // Per kind: how many are free now, or when the next one frees up.
    const kinds = page.locator('#kinds > li');
    await expect(kinds.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')))).resolves.toEqual([
      'embroidery',
      'fdm_printer',
    ]);
    await page.locator('[data-kind="fdm_printer"][data-free="1"]').waitFor();
    expect(await page.locator('[data-kind="fdm_printer"]').innerText()).toMatch(
      /Imprimantes 3D\s+1 libre maintenant\s+3 au total/,
    );
    expect(await page.locator('[data-kind="embroidery"]').innerText()).toMatch(
      /Brodeuses\s+0 libre maintenant\s+Bientôt : demandez à l'équipe/,
    );

    // Each state as words and an icon, not only a colour; times in the site's zone.
    expect(await status(RUNNING)).toBe('in_use');
    const runningCard = await page.locator(`[data-machine="${RUNNING}"]`).innerText();
    expect(runningCard).toMatch(/Occupée[\s\S]*41\s%/);
    expect(await page.locator(`[data-machine="${RUNNING}"] [role="progressbar"]`).getAttribute('aria-valuenow')).toBe(
      '41',
    );
    expect(await status(BOOKED)).toBe('reserved_soon');
    expect(await status(IN_MAINTENANCE)).toBe('maintenance');
    // Out of service, with what staff told the public: why, and when it should be back.
    expect(plain(await page.locator(`[data-machine="${IN_MAINTENANCE}"]`).innerText())).toMatch(
      new RegExp(`Hors service\\s+${MAINTENANCE_NOTICE}\\s+Retour prévu mercredi à 14:00`),
    );
    expect(await status(EMBROIDERY)).toBe('needs_attention');
    expect(await page.locator('[data-machine] .badge svg.icon').count()).toBe(MACHINES.length);
    expect(await page.locator('#clock').innerText()).toMatch(/^10:0\d$/);

    // The QR code opens booking of the free machine.
    expect(await page.locator('#qr').getAttribute('data-url')).toBe(
      `${relay.url}/book?site=saint-ouen&machine=${PRINTER}`,
    );
    expect(await page.locator('#qr svg path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    // No name ever reaches the lobby.
    expect(await page.locator('body').innerText()).not.toContain('Amina');
  });

  it('switches to Arabic, right to left, with the language switch', async () => {
    await page.locator('button[data-lang="ar"]').click();
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('button[data-lang="ar"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-kind="fdm_printer"] .kind-name').innerText()).toBe('الطابعات ثلاثية الأبعاد');
    expect(await page.locator(`[data-machine="${RUNNING}"] .badge`).innerText()).toBe('قيد الاستعمال');
    expect(plain(await page.locator(`[data-machine="${IN_MAINTENANCE}"] .notice-back`).innerText())).toBe(
      'العودة المتوقعة الأربعاء الساعة 14:00',
    );
    await page.locator('button[data-lang="fr"]').click();
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('ltr');
  });

  it('has no serious or critical accessibility problem, in French and in Arabic', async () => {
    await page.locator('button[data-lang="fr"]').click();
    await screenshot(page, 'kiosk-fr.png');
    await expectNoSeriousA11yViolation(page);
    await page.locator('button[data-lang="ar"]').click();
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await screenshot(page, 'kiosk-ar.png');
    await expectNoSeriousA11yViolation(page);
    await page.locator('button[data-lang="fr"]').click();
  });

  it('turns to the next language by itself', async () => {
    const rotating = await context.newPage();
    await rotating.goto(`${relay.url}/kiosk/saint-ouen?rotate=1`);
    await rotating.locator('#machines > li').first().waitFor();
    await rotating.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await rotating.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
    await rotating.close();
  });

  // How fast is measured by the live-latency benchmark, not asserted here.
  it('shows a machine change without a reload', async () => {
    await demo.bridge.send(demo.bridge.encoder.state(PRINTER, awaitingClear()));
    await page.locator(`[data-machine="${PRINTER}"][data-status="needs_attention"]`).waitFor();
    expect(await page.locator(`[data-machine="${PRINTER}"]`).innerText()).toContain('Travail terminé — à vider');
    // No free printer left: the QR code offers booking for later.
    await expect(page.locator('#qr').getAttribute('data-url')).resolves.toBe(`${relay.url}/book?site=saint-ouen`);
  });

  it('asks for a fresh snapshot when a delta is missing, and ignores nothing else', async () => {
    const gap = await context.newPage();
    await gap.route('**/socket.io/socket.io.min.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: FAKE_SOCKET_IO }),
    );
    await gap.goto(`${relay.url}/kiosk/saint-ouen?rotate=0`);
    const frame = (seq: number, machineStatus: string) => ({
      siteId: 'saint-ouen',
      seq,
      at: '2026-11-23T09:00:00.000Z',
      timeZone: 'Europe/Paris',
      machines: [{ ...KIOSK_MACHINE, status: machineStatus }],
      kinds: [{ kind: 'fdm_printer', total: 1, freeNow: machineStatus === 'free' ? 1 : 0, nextFreeAt: null }],
    });
    const serve = (event: string, payload: unknown) =>
      inPage(gap, `window.fakeServer.emit(${JSON.stringify(event)}, ${JSON.stringify(payload)})`);
    // Polled from here: waitForFunction(string) would need eval, which the page's CSP forbids.
    await eventually(async () => (await inPage<boolean>(gap, 'window.fakeServer !== undefined')) || undefined);
    await serve('snapshot', frame(5, 'free'));
    await gap.locator('[data-machine="m1"][data-status="free"]').waitFor();
    await serve('delta', frame(6, 'in_use'));
    await gap.locator('[data-machine="m1"][data-status="in_use"]').waitFor();
    await serve('delta', frame(8, 'offline'));
    const emitted = () => inPage(gap, 'window.fakeServer.received');
    expect(await emitted()).toEqual(['snapshot']);
    expect(await gap.locator('[data-machine="m1"]').getAttribute('data-status')).toBe('in_use');
    await serve('snapshot', frame(8, 'offline'));
    await gap.locator('[data-machine="m1"][data-status="offline"]').waitFor();
    await serve('delta', frame(9, 'free'));
    await gap.locator('[data-machine="m1"][data-status="free"]').waitFor();
    expect(await emitted()).toEqual(['snapshot']);
    await gap.close();
  });

  it('pairs a new screen with a one-time code from staff', async () => {
    const fresh = await browser.newContext({ viewport: TV });
    const screen = await fresh.newPage();
    await screen.goto(`${relay.url}/kiosk/saint-ouen?rotate=0`);
    await screen.locator('#pairing-code').waitFor();
    expect(await screen.locator('#pairing h2').innerText()).toBe('Connecter cet écran');
    await screen.locator('#pairing-code').fill('000000');
    await screen.locator('#pairing button').click();
    await screen.locator('#pairing-error', { hasText: /./ }).waitFor();
    expect(await screen.locator('#pairing-error').innerText()).toContain('Ce code ne marche pas');

    const { code } = (await api(t, demo.staff.token).post('/api/v1/sites/saint-ouen/kiosk-pairing')).body;
    await screen.locator('#pairing-code').fill(code);
    await screen.locator('#pairing button').click();
    await screen
      .locator('#machines > li')
      .nth(MACHINES.length - 1)
      .waitFor();
    expect(await inPage(screen, TOKEN_IN_STORAGE)).toMatch(/^kiosk_/);
    // After a reboot the screen comes back by itself.
    await screen.reload();
    await screen
      .locator('#machines > li')
      .nth(MACHINES.length - 1)
      .waitFor();
    await fresh.close();
  });

  it('shows "offline — reconnecting" while the service is down, and recovers by itself', async () => {
    relay.hold();
    await t.restart();
    await page.locator('#offline:not([hidden])').waitFor();
    expect(await page.locator('#offline').innerText()).toMatch(
      /Hors ligne — reconnexion…\s*Dernière mise à jour \d\d:\d\d/,
    );
    relay.to(t.url);
    relay.release();
    await page.locator('#offline').waitFor({ state: 'hidden' });
    expect(await page.locator('[data-machine]').count()).toBe(MACHINES.length);
    // Live again: a change made after the restart reaches the screen.
    await api(t, demo.adminToken).post(`/api/v1/machines/${IN_MAINTENANCE}/status`, { status: 'active' });
    await eventually(async () => ((await status(IN_MAINTENANCE)) !== 'maintenance' ? true : undefined));
  });
});

const TOKEN_IN_STORAGE = "localStorage.getItem('fabrique.kiosk.saint-ouen')";

const KIOSK_MACHINE = {
  machineId: 'm1',
  machineName: 'Printer',
  kind: 'fdm_printer',
  busyUntil: null,
  nextFreeAt: null,
  progressPct: null,
  attention: [],
};

/** A stand-in for the Socket.IO client: the test plays the server, frame by frame. */
const FAKE_SOCKET_IO = `
window.io = function () {
  var handlers = {};
  var socket = {
    connected: true,
    on: function (event, handler) { (handlers[event] = handlers[event] || []).push(handler); return socket; },
    emit: function (event) { window.fakeServer.received.push(event); },
    connect: function () {}, disconnect: function () {}
  };
  window.fakeServer = {
    received: [],
    emit: function (event, payload) { (handlers[event] || []).forEach(function (h) { h(payload); }); }
  };
  setTimeout(function () { window.fakeServer.emit('connect'); }, 0);
  return socket;
};`;
