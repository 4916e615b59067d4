import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { inPage } from './browser.js';

/** Bytes on the wire for one GET, as a browser asking for gzip receives them. */
export function gzippedBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
    }).on('error', reject);
  });
}

export interface StaffWeight {
  scripts: Record<string, number>;
  jsGzippedKb: number;
  /** From navigation start to a sign-in form that answers, with the CPU 4× slower. */
  interactiveMs4x: number;
}

/**
 * The JavaScript the staff pages ship (gzipped) and the time to interactive on a CPU throttled
 * 4× through the DevTools protocol: the figures for the README, never asserted (a shared CI
 * machine's timings say little).
 */
export async function measureStaffPage(browser: Browser, url: string): Promise<StaffWeight> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(url);
  await page.locator('#signin:not([hidden]) #login').waitFor();
  const interactiveMs4x = Math.round(await inPage<number>(page, 'performance.now()'));
  const sources = await page
    .locator('script[src]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('src') ?? ''));
  const scripts: Record<string, number> = {};
  for (const src of sources) {
    scripts[src.replace(/^.*\//, '').replace(/\?.*$/, '')] = await gzippedBytes(new URL(src, url).toString());
  }
  await context.close();
  const total = Object.values(scripts).reduce((a, b) => a + b, 0);
  const weight = { scripts, jsGzippedKb: Math.round((total / 1024) * 10) / 10, interactiveMs4x };
  const dir = join(process.cwd(), 'test', '.tmp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'staff-weight.json'), JSON.stringify(weight, null, 2) + '\n');
  return weight;
}
