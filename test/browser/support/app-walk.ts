import { get } from 'node:http';
import { expect } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { expectNoSeriousA11yViolation, inPage, screenshot } from './browser.js';

export const PHONE = { width: 390, height: 844 };
export const DESK = { width: 1440, height: 900 };
export const TV = { width: 1920, height: 1080 };

/**
 * Visible text without the invisible marks that keep directions apart (isolates, word joiners,
 * direction marks): what a person reads, for comparing with a sentence.
 */
export function plain(text: string): string {
  return text.replace(/[\u200e\u200f\u2060\u2066-\u2069]/g, '').trim();
}

/** Signs a maker in on the app page already open, then switches it to `lang` from its menu. */
export async function signInApp(page: Page, maker: { login: string; password: string }, lang: string): Promise<void> {
  await page.locator('#signin:not([hidden])').waitFor();
  await page.locator('#login').fill(maker.login);
  await page.locator('#password').fill(maker.password);
  await page.locator('#signin button[type="submit"]').click();
  await page.locator('#app:not([hidden])').waitFor();
  await page.locator('#language').selectOption(lang);
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}

/** One maker's walk through the app, in one language (`fr`, `ar`): the words it expects. */
export interface WalkWords {
  lang: 'fr' | 'ar';
  dir: 'ltr' | 'rtl';
  loginLabel: string;
  estimateTime: string;
  estimateGrams: string;
  /** The file picker, before a file is chosen. */
  choose: string;
  noFile: string;
  /** The notice after an upload, in the other language once the maker switches. */
  uploaded: (name: string) => string;
  /** The simulated printer stopped half-way (a spool ran out): the file's own figures. */
  halfWay: RegExp;
  /** A booking too far ahead, refused with the last day one can book. */
  tooFar: RegExp;
}

export const FRENCH: WalkWords = {
  lang: 'fr',
  dir: 'ltr',
  loginLabel: 'E-mail ou code membre',
  estimateTime: 'environ 1 h 2 min',
  estimateGrams: '12,3 g',
  choose: 'Choisir un fichier',
  noFile: 'Aucun fichier choisi',
  uploaded: (name) => `Fichier reçu : ${name}. Vérifiez ce qu’il indique, puis mettez-le dans la file.`,
  halfWay: /environ (\d+) min restantes · couche (\d+) sur 120/,
  // The last day one can book: 14 days from today (the suite runs on the real date).
  tooFar: /^Vous pouvez réserver jusqu’au \S+ \d+ \S+ au plus tard\.$/,
};

export const ARABIC: WalkWords = {
  lang: 'ar',
  dir: 'rtl',
  loginLabel: 'البريد الإلكتروني أو رمز العضوية',
  estimateTime: 'حوالي 1 س 2 د',
  estimateGrams: '12.3 غ',
  choose: 'اختر ملفًا',
  noFile: 'لم تختر أي ملف بعد',
  uploaded: (name) => `تمّ استلام الملف: ${name}. راجع ما يقوله، ثم أرسله إلى قائمة الانتظار.`,
  halfWay: /حوالي (\d+) د متبقية · الطبقة (\d+) من 120/,
  tooFar: /^يمكنك الحجز حتى \S+،? \d+ \S+ على الأكثر\.$/,
};

/** The section shown and checked: axe-core finds nothing serious, and a screenshot when named. */
export async function checkView(page: Page, shot?: string): Promise<void> {
  await expectNoSeriousA11yViolation(page);
  if (!shot) return;
  // The passing message would hide part of the view (and must not come back on a language change).
  await inPage(page, "var n = document.getElementById('notice'); n.fabriqueSay = null; n.textContent = ''");
  await screenshot(page, shot);
}

export async function openTab(page: Page, view: string): Promise<void> {
  await page.locator(`#tabs a[data-view="${view}"]`).click();
  await page.locator(`#view-${view}:not([hidden])`).waitFor();
  await page.locator(`#tabs a[data-view="${view}"][aria-current="page"]`).waitFor();
}

/** Every other control where focus lands is at least 44 px high (WCAG 2.5.8 asks 24; we ask more). */
export async function smallTargets(page: Page): Promise<string[]> {
  return inPage<string[]>(
    page,
    `Array.prototype.slice.call(document.querySelectorAll('button, select, input:not([type=file]), #tabs a'))
      .filter(function (n) { var r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.height < 44 && !n.classList.contains('link'); })
      .map(function (n) { return n.id || n.getAttribute('data-action') || n.textContent; })`,
  );
}

/** In Arabic the tab bar reads right to left: the first tab sits to the right of the second. */
export async function expectMirrored(page: Page, rtl: boolean): Promise<void> {
  const first = await page.locator('#tabs a').nth(0).boundingBox();
  const second = await page.locator('#tabs a').nth(1).boundingBox();
  expect(first && second).toBeTruthy();
  expect(first!.x > second!.x).toBe(rtl);
}

/** Bytes on the wire for a URL fetched as a browser would (gzip accepted). */
export function gzippedBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
    }).on('error', reject);
  });
}

/**
 * On the screen and clear of what is fixed over the page (the tab bar, a passing notice): what a
 * maker must check right after an action is in sight without scrolling.
 */
export async function expectInSight(page: Page, target: Locator): Promise<void> {
  const box = await target.boundingBox();
  const viewport = page.viewportSize()!;
  const covers = [await page.locator('#tabs').boundingBox(), await page.locator('#notice:not(:empty)').boundingBox()];
  expect(box).toBeTruthy();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  for (const cover of covers) {
    if (cover) expect(box!.y + box!.height).toBeLessThanOrEqual(cover.y);
  }
}
