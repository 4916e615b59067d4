import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Where the pages' files are: `src/pages/assets` under jest, `dist/pages/assets` once built. */
export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** The URL prefix every asset is served under. */
export const ASSETS_URL = '/pages/assets/';

export interface Asset {
  /** Path relative to the assets folder, with `/` separators (`kiosk.js`, `i18n/ar.json`). */
  name: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  /** Short content hash: the `?v=` of versioned URLs and the ETag. */
  version: string;
}

/**
 * The pages' HTML, CSS, JS and dictionaries, read once at boot and kept in memory with their
 * gzip, so a lobby screen on a slow link gets a few kilobytes and nothing touches the disk per
 * request. The QR encoder comes from its npm package (served as is: it runs in old browsers).
 */
@Injectable()
export class PageAssets {
  private readonly assets = new Map<string, Asset>();
  private readonly templates = new Map<string, string>();

  constructor() {
    if (!existsSync(ASSETS_DIR)) {
      throw new Error(`Page assets are missing at ${ASSETS_DIR} (did the build copy src/pages/assets?)`);
    }
    for (const file of walk(ASSETS_DIR)) {
      const name = relative(ASSETS_DIR, file).split(sep).join('/');
      if (name.endsWith('.html')) this.templates.set(name, readFileSync(file, 'utf8'));
      else if (TYPES[extname(name)]) this.add(name, readFileSync(file));
    }
    const require = createRequire(import.meta.url);
    this.add('qrcode.js', readFileSync(require.resolve('qrcode-generator')));
  }

  get(name: string): Asset | undefined {
    return this.assets.get(name);
  }

  /** Every served asset name (for tests and the weight figures). */
  names(): string[] {
    return [...this.assets.keys()];
  }

  /**
   * An HTML page with its asset URLs versioned (`kiosk.js?v=…`, so screens cache them until the
   * next release) and the placeholders filled; values are HTML-escaped, the config is JSON that
   * cannot close its script element.
   */
  render(template: string, values: Record<string, string>, config: unknown): string {
    const html = this.templates.get(template);
    if (html === undefined) throw new Error(`No page template ${template}`);
    return html
      .replace(/(src|href)="\/pages\/assets\/([^"?]+)"/g, (whole, attribute: string, name: string) => {
        const asset = this.assets.get(name);
        return asset ? `${attribute}="${ASSETS_URL}${name}?v=${asset.version}"` : whole;
      })
      .replace(/__([A-Z]+)__/g, (whole, key: string) => (key in values ? escapeHtml(values[key]) : whole))
      .replace('<script id="page-config" type="application/json">{}</script>', () => {
        const json = JSON.stringify(config).replace(
          /[<>&\u2028\u2029]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        return `<script id="page-config" type="application/json">${json}</script>`;
      });
  }

  private add(name: string, body: Buffer): void {
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    this.assets.set(name, { name, type: TYPES[extname(name)], body, gzip: gzipSync(body, { level: 9 }), version });
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
