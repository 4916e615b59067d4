import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, Socket, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PATIENCE_MS } from '../../support/patience.js';
import { CHROMIUM_PATH, INSTALL_CHROMIUM } from './chromium.mjs';

/**
 * The screenshots in docs/pages.md are written by the suites only when asked (`UPDATE_SCREENSHOTS=1`), so
 * an ordinary run leaves the work tree as it found it.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots')
  : join(tmpdir(), 'fabrique-screenshots');

/**
 * Debian's Chromium, never a downloaded browser. The jest config leaves the browser suites out
 * where Chromium is missing, unless they are required (CI, `npm run test:browser`): then the
 * suite fails here with the fix in the message.
 *
 * Every page waits on events with the suites' patience (test/support/patience.ts), so a busy
 * machine makes a suite slower, never red.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH} (or set CHROMIUM_PATH). Install it with: ${INSTALL_CHROMIUM} ` +
        '(playwright-core drives it; no browser is downloaded).',
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(PATIENCE_MS);
    return context;
  };
  return browser;
}

const AXE_SOURCE = readFileSync(join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe-core in the page and fails on any serious or critical violation, saying which. */
export async function expectNoSeriousA11yViolation(page: Page): Promise<void> {
  // Evaluated through DevTools, so the page's CSP (script-src 'self') does not block it.
  await page.evaluate(AXE_SOURCE);
  const violations = await inPage<AxeViolation[]>(page, 'axe.run().then(function (r) { return r.violations; })');
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

/**
 * Runs an expression in the page. Written as a string because the tests are type-checked without
 * the DOM library (it would make `document` look valid in the service's code too).
 */
export function inPage<T = unknown>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** A screenshot for docs/pages.md, without the focus ring of the last click. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await inPage(page, 'document.activeElement && document.activeElement.blur()');
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: false });
}

/**
 * A TCP relay with a stable address in front of the service, so a page keeps one URL while the
 * service restarts on another port (test-app boots on a free port each time). `hold()` refuses
 * new connections — the service is unreachable, as during a restart — until `release()`.
 */
export class Relay {
  private server!: Server;
  private target = 0;
  private held = false;
  private readonly sockets = new Set<Socket>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.held || !this.target) return client.destroy();
      const upstream = new Socket();
      this.track(client);
      this.track(upstream);
      upstream.connect(this.target, '127.0.0.1', () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('relay has no port');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  /** Sends what arrives to this service URL from now on. */
  to(serviceUrl: string): void {
    this.target = Number(new URL(serviceUrl).port);
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
