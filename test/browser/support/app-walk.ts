import { get } from 'node:http';
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';
import { expectNoSeriousA11yViolation, inPage, screenshot } from './browser.js';

export const PHONE = { width: 390, height: 844 };

/** One maker's walk through the app, in one language (`fr`, `ar`): the words it expects. */
export interface WalkWords {
  lang: 'fr' | 'ar';
  dir: 'ltr' | 'rtl';
  loginLabel: string;
  estimateTime: string;
  estimateGrams: string;
}

export const FRENCH: WalkWords = {
  lang: 'fr',
  dir: 'ltr',
  loginLabel: 'E-mail ou code membre',
  estimateTime: 'environ 1 h 2 min',
  estimateGrams: '12,3 g',
};

export const ARABIC: WalkWords = {
  lang: 'ar',
  dir: 'rtl',
  loginLabel: 'البريد الإلكتروني أو رمز العضوية',
  estimateTime: 'حوالي 1 س 2 د',
  estimateGrams: '12.3 غ',
};

/** The section shown and checked: axe-core finds nothing serious, and a screenshot when named. */
export async function checkView(page: Page, shot?: string): Promise<void> {
  await expectNoSeriousA11yViolation(page);
  if (!shot) return;
  // The passing message would hide part of the view.
  await inPage(page, "document.getElementById('notice').textContent = ''");
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
