import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { plain } from './support/app-walk.js';
import { expectNoSeriousA11yViolation, inPage, launchChromium, screenshot } from './support/browser.js';
import { prusaSlicerGcode } from '../../src/jobs/metadata/testing/gcode.fixtures.js';
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
import { measureStaffPage } from './support/staff-weight.js';

const DESK = { width: 1280, height: 800 };

/**
 * Staff at the desk, in French and then in Arabic (right to left): machines, a workshop block,
 * a maker account created at the desk with a training, a build area cleared, statistics.
 */
describe('the staff pages', () => {
  let t: TestApp;
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  const view = (name: string) => page.locator(`[data-view-root="${name}"]`);
  const form = (name: string) => page.locator(`form[data-form="${name}"]`);

  async function open(name: string): Promise<void> {
    await page.locator(`nav a[data-view="${name}"]`).click();
    await view(name).waitFor();
    await page.locator(`nav a[data-view="${name}"][aria-current="page"]`).waitFor();
  }

  /** What a date field shows, part by part in the order they stand (day, month, year in fr and ar). */
  async function dateShown(legend: string): Promise<string[]> {
    return form('stats')
      .getByRole('group', { name: legend, exact: true })
      .locator('select')
      .evaluateAll((selects) =>
        selects.map((s) => (s as unknown as { selectedOptions: Array<{ text: string }> }).selectedOptions[0].text),
      );
  }

  async function checkView(name: string, lang: 'fr' | 'ar'): Promise<void> {
    await page.locator('#notice').evaluate((n) => (n.textContent = ''));
    await inPage(page, 'window.scrollTo(0, 0)');
    await screenshot(page, `staff-${name}-${lang}.png`);
    await expectNoSeriousA11yViolation(page);
  }

  beforeAll(async () => {
    // One after the other: if the service fails to start, no browser is left running.
    t = await startTestApp({ configure: (raw) => (raw.auth.accessTokenMinutes = 1440) });
    browser = await launchChromium();
    demo = await setUpDemo(t);
    await demo.bridge.send(demo.bridge.encoder.state(PRINTER, awaitingClear()));
    page = await (await browser.newContext({ viewport: DESK })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.bridge.clearRetained();
    await demo?.bridge.close();
    await t?.close();
  });

  it('signs staff in and lists the machines with what they report and their service status', async () => {
    await page.goto(`${t.url}/staff/saint-ouen#machines`);
    await page.locator('#signin-form').waitFor();
    await page.locator('#login').fill(demo.maker.login);
    await page.locator('#password').fill(demo.maker.password);
    await page.locator('#signin button[type="submit"]').click();
    await page.locator('#signin-error', { hasText: 'Ce compte ne peut pas utiliser ces pages' }).waitFor();
    await page.locator('#login').fill(demo.staff.login);
    await page.locator('#password').fill(demo.staff.password);
    await page.locator('#signin button[type="submit"]').click();
    const rows = page.locator('table.machines tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    const printer = page.locator(`tr[data-machine="${PRINTER}"]`);
    await printer.locator('td.live', { hasText: "attend d'être vidée" }).waitFor();
    expect(await page.locator(`tr[data-machine="so-brother-pp1"]`).innerText()).toContain('Hors service');
    expect(await page.locator('a#board-link').getAttribute('href')).toBe('/board/saint-ouen');
  });

  it('takes a machine out of service with a reason, and shows it in its history', async () => {
    await page.locator(`tr[data-machine="${RUNNING}"] button[data-action="maintenance"]`).click();
    const status = form('status');
    await status.getByLabel('Pourquoi').fill('Buse bouchée, pièce commandée');
    // The public reason goes to the lobby: a phone number is refused, in the page's words.
    await status.getByLabel('Affiché sur l’écran d’accueil').fill('Appelez Karim au 06 11 22 33 44');
    const back = status.getByRole('group', { name: 'Retour prévu le' });
    await back.getByLabel('Jour').selectOption('26');
    await back.getByLabel('Mois').selectOption({ label: 'novembre' });
    await back.getByLabel('Année').selectOption('2026');
    await status.getByLabel('à', { exact: true }).selectOption('14:00');
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await status.locator('.form-error', { hasText: 'retirez e-mails et numéros de téléphone' }).waitFor();
    await status.getByLabel('Affiché sur l’écran d’accueil').fill('Buse remplacée, en essai');
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.locator(`tr[data-machine="${RUNNING}"] [data-admin="maintenance"]`).waitFor();
    const row = plain(await page.locator(`tr[data-machine="${RUNNING}"]`).innerText());
    expect(row).toContain('Public : Buse remplacée, en essai');
    expect(row).toContain('Retour prévu jeudi à 14:00');
    const saved = (await api(t, demo.staff.token).get(`/api/v1/machines/${RUNNING}`)).body;
    expect(saved).toMatchObject({
      publicReason: 'Buse remplacée, en essai',
      expectedBackAt: '2026-11-26T13:00:00.000Z',
    });
    await page.locator(`tr[data-machine="${RUNNING}"] button[data-action="log"]`).click();
    await page.locator('ol.log li', { hasText: 'Buse bouchée, pièce commandée' }).waitFor();
    // Edit a capability: the nozzle is now 0.6 mm.
    await page.locator(`tr[data-machine="${BOOKED}"] button[data-action="edit"]`).click();
    await page.getByLabel('Buse (mm)').fill('0,6');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('#notice', { hasText: 'est enregistrée' }).waitFor();
    await checkView('machines', 'fr');
  });

  it('blocks a workshop and lists the booking it lands on, for staff to move or cancel', async () => {
    await open('blocks');
    await form('block').getByLabel('Pour quoi').fill('Atelier impression 3D débutants');
    await form('block').getByLabel('Machines').selectOption(`machine:${BOOKED}`);
    await form('block').getByLabel('De', { exact: true }).selectOption('10:30');
    await form('block').getByLabel('À', { exact: true }).selectOption('12:30');
    await form('block').getByRole('button', { name: 'Bloquer' }).click();
    const result = page.locator('[data-result="block"]');
    await result.waitFor();
    expect(await result.innerText()).toContain('Il tombe sur 1 réservation');
    expect(await result.locator('li').innerText()).toContain('Prusa MK4 n°2');
    await page.locator('ul.blocks li', { hasText: 'Atelier impression 3D débutants' }).waitFor();
    await checkView('blocks', 'fr');
  });

  it('confirms a build area is empty from the queue: the bridge receives clear_confirm', async () => {
    await open('queue');
    const clear = page.locator(`.clear-list li[data-machine="${PRINTER}"] button[data-action="clear"]`);
    await clear.click();
    const command = await demo.bridge.nextCommand((c) => c.command === 'clear_confirm');
    expect(command).toMatchObject({ command: 'clear_confirm', expectState: ['awaiting_clear'] });
    await page.locator('#notice', { hasText: /^Envoyé à \u2068Bambu Lab P1S\u2069\./ }).waitFor();
    expect(await page.locator('ol.queue').innerText()).toContain('Aucun travail en attente.');
    await checkView('queue', 'fr');
  });

  it('shows the alerts in plain words', async () => {
    await open('alerts');
    await page.locator('ul.alerts li[data-alert="intervention_waiting"]').waitFor();
    expect(await page.locator('ul.alerts').innerText()).toContain('Upper thread broken on needle 4');
    await checkView('alerts', 'fr');
  });

  // Waits for the backend: POST and GET /api/v1/sites/:siteId/makers (desk accounts).
  it('creates a maker account at the desk, prints the credentials and grants a training', async () => {
    await open('desk');
    await expectNoSeriousA11yViolation(page);
    await form('maker').getByLabel('Nom', { exact: true }).fill('Awa Ndiaye');
    await form('maker').getByRole('button', { name: 'Créer le compte' }).click();
    const card = page.locator('[data-result="credentials"]');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Code membre\s+SO-/);
    expect(await card.innerText()).toContain(`${t.config.server.publicUrl.replace(/\/$/, '')}/app/saint-ouen`);
    // Printed, the page shows the credentials card and nothing else.
    await page.emulateMedia({ media: 'print' });
    const printed = await inPage(
      page,
      "[getComputedStyle(document.querySelector('nav.views')).visibility, getComputedStyle(document.querySelector('.credentials dd')).visibility]",
    );
    await page.emulateMedia({ media: 'screen' });
    expect(printed).toEqual(['hidden', 'visible']);
    await form('grant').getByLabel('Formation', { exact: true }).selectOption('fdm-basics');
    await form('grant').getByRole('button', { name: 'Accorder la formation' }).click();
    await page.locator('ul.trainings li[data-training="fdm-basics"]').waitFor();
    await form('book').getByLabel('Machine').selectOption(PRINTER);
    await form('book').getByLabel('De', { exact: true }).selectOption('15:00');
    await form('book').getByLabel('À', { exact: true }).selectOption('16:00');
    await form('book').getByRole('button', { name: 'Réserver' }).click();
    await page.locator('#notice', { hasText: 'Réservé pour' }).waitFor();
    await checkView('desk', 'fr');
  });

  // Waits for the backend: GET /api/v1/stats/:table.
  it('shows statistics for a period as bars with their values, and offers the CSV', async () => {
    await open('stats');
    await expectNoSeriousA11yViolation(page);
    // Dates in the page's language, day first and the month by name, whatever the browser's language.
    expect(await page.locator('input[type="date"], input[type="time"]').count()).toBe(0);
    expect(await dateShown('Du')).toEqual(['1', 'novembre', '2026']);
    await form('stats').getByLabel('Chiffres').selectOption('utilisation:machine');
    await form('stats').getByRole('button', { name: 'Afficher' }).click();
    const result = page.locator('[data-result="stats"]');
    await result.waitFor();
    expect(await result.locator('figure.chart li').count()).toBeGreaterThan(0);
    expect(await result.locator('figure.chart').innerText()).toContain('Prusa MK4 n°2');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      result.locator('button[data-action="csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await checkView('stats', 'fr');
  });

  it('works in Arabic, right to left: a weekly workshop and a build area cleared', async () => {
    await page.locator('#language').selectOption('ar');
    await page.locator('html[dir="rtl"][lang="ar"]').waitFor({ state: 'attached' });
    await open('machines');
    expect(await page.locator('#view-title').innerText()).toBe('الآلات');
    await page.locator(`tr[data-machine="${EMBROIDERY}"]`).waitFor();
    await checkView('machines', 'ar');

    await open('blocks');
    await form('block').getByLabel('لأجل ماذا').fill('ورشة تطريز للمبتدئين');
    await form('block').getByLabel('الآلات').selectOption('kind:embroidery');
    await form('block').getByLabel('كل أسبوع').check();
    await form('block').getByLabel('الثلاثاء').check();
    await form('block').getByLabel('من', { exact: true }).selectOption('14:00');
    await form('block').getByLabel('إلى', { exact: true }).selectOption('18:00');
    await form('block').getByRole('button', { name: 'احجب' }).click();
    await page.locator('[data-result="block"]').waitFor();
    await page.locator('ul.blocks li', { hasText: 'ورشة تطريز للمبتدئين' }).waitFor();
    expect(await page.locator('ul.blocks li', { hasText: 'ورشة تطريز للمبتدئين' }).innerText()).toContain(
      'كل الثلاثاء',
    );
    await checkView('blocks', 'ar');

    await open('queue');
    await page.locator(`.clear-list li[data-machine="${PRINTER}"] button[data-action="clear"]`).click();
    await demo.bridge.nextCommand((c) => c.command === 'clear_confirm' && demo.bridge.commands.indexOf(c) > 0);
    await page.locator('#notice:not(:empty)').waitFor();
    await checkView('queue', 'ar');

    await open('alerts');
    await page.locator('ul.alerts li').first().waitFor();
    await checkView('alerts', 'ar');
  });

  // Waits for the backend: desk accounts and statistics, as in French.
  it('creates a maker at the desk and shows statistics in Arabic', async () => {
    await open('desk');
    await expectNoSeriousA11yViolation(page);
    await form('maker').getByLabel('الاسم', { exact: true }).fill('ليلى بن علي');
    await form('maker').getByRole('button', { name: 'أنشئ الحساب' }).click();
    // The French maker's card and panel are still there until the new ones replace them.
    await page.locator('[data-result="credentials"]', { hasText: 'ليلى بن علي' }).waitFor();
    await page.locator('[data-maker-panel]', { hasText: 'ليلى بن علي' }).waitFor();
    await form('grant').getByRole('button', { name: 'امنح التكوين' }).click();
    await page.locator('ul.trainings li[data-training]').first().waitFor();
    await checkView('desk', 'ar');

    await open('stats');
    await expectNoSeriousA11yViolation(page);
    expect(await dateShown('من')).toEqual(['1', 'نوفمبر', '2026']);
    await form('stats').getByRole('button', { name: 'اعرض' }).click();
    await page.locator('[data-result="stats"]').waitFor();
    await checkView('stats', 'ar');
  });

  it('names the maker of each job, queued and on a machine, so staff hand the parts over', async () => {
    const running = await runJobFor(t, demo, 'porte-cles.gcode');
    // A second print for the same machine waits behind the first.
    const draft = await api(t, demo.maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', 'saint-ouen')
      .attach('file', Buffer.from(prusaSlicerGcode()), 'badge-support.gcode');
    expect(
      (await api(t, demo.maker.token).post(`/api/v1/jobs/${draft.body.id}/queue`, { machineId: PRINTER })).status,
    ).toBe(200);
    await open('queue');
    await page.locator('.view-queue .toolbar button').first().click();
    const onMachine = page.locator(`ul.running li[data-job="${running}"]`);
    await onMachine.waitFor();
    expect(plain(await onMachine.innerText())).toContain(
      `porte-cles.gcode · Bambu Lab P1S · قيد التشغيل · لصالح ${MAKER_NAME}`,
    );
    expect(plain(await page.locator(`ol.queue li[data-job="${draft.body.id}"]`).innerText())).toContain(
      `لصالح ${MAKER_NAME}`,
    );
    await checkView('queue', 'ar');
    await page.locator('#language').selectOption('fr');
    await onMachine.locator('.maker', { hasText: 'pour' }).waitFor();
    expect(plain(await onMachine.innerText())).toContain(
      `porte-cles.gcode · Bambu Lab P1S · en cours · pour ${MAKER_NAME}`,
    );
    await checkView('queue', 'fr');
  });

  it('measures the JavaScript shipped and the time to interactive on a 4× slower CPU', async () => {
    const weight = await measureStaffPage(browser, `${t.url}/staff/saint-ouen`);
    expect(Object.keys(weight.scripts)).toEqual(
      expect.arrayContaining(['common.js', 'staff.js', 'staff-machines.js', 'staff-stats.js']),
    );
    process.stdout.write(`staff pages: ${JSON.stringify(weight)}\n`);
  });
});
