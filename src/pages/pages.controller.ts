import { gzipSync } from 'node:zlib';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SitesService } from '../sites/sites.service.js';
import { ASSETS_URL, escapeHtml, PageAssets } from './page-assets.js';

const SITE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ASSET_NAME = /^[a-z0-9][a-z0-9.-]{0,63}$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RTL = new Set(['ar']);

/**
 * Scripts only from this origin (no inline code, no eval), the live socket on this origin, and
 * never inside someone else's frame: the board's buttons act on machines.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

type PageName = 'kiosk' | 'board' | 'app' | 'staff';

/**
 * The lobby kiosk and the staff live board: public HTML shells with no credential in them (the
 * kiosk token stays in the URL fragment and the screen's storage; staff sign in on the page), and
 * their static files.
 */
@ApiExcludeController()
@Public()
@Controller()
export class PagesController {
  private readonly languages: string[];

  constructor(
    @Inject(PageAssets) private readonly assets: PageAssets,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.languages = assets
      .names()
      .map((name) => /^i18n\/([a-z]{2,3})\.json$/.exec(name)?.[1])
      .filter((language): language is string => language !== undefined);
  }

  @Get('kiosk/:siteId')
  kiosk(@Param('siteId') siteId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.page('kiosk', siteId, request, response);
  }

  @Get('board/:siteId')
  board(@Param('siteId') siteId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.page('board', siteId, request, response);
  }

  /** The makers' app: booking, check-in, jobs, trainings (mobile first). */
  @Get('app/:siteId')
  app(@Param('siteId') siteId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.page('app', siteId, request, response);
  }

  /** The staff pages: machines, blocks, trainings, desk accounts, the job queue, statistics. */
  @Get('staff/:siteId')
  staff(@Param('siteId') siteId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.page('staff', siteId, request, response);
  }

  /**
   * Where the kiosk's QR code leads (`/book?site=…&machine=…`): the makers' app of that site,
   * opened on that machine (to book it, or check in to a booking on it). While the centre is
   * closed the code says `&date=` (the day it opens): the app opens booking on that day.
   */
  @Get('book')
  book(
    @Query('site') site: string | undefined,
    @Query('machine') machine: string | undefined,
    @Query('date') date: string | undefined,
    @Res() response: Response,
  ) {
    const siteId = site && SITE_ID.test(site) ? site : this.config.sites[0].id;
    const query = new URLSearchParams();
    if (machine && SITE_ID.test(machine)) query.set('machine', machine);
    if (date && LOCAL_DATE.test(date)) query.set('date', date);
    const search = query.toString();
    response.redirect(302, `/app/${siteId}${search ? `?${search}` : ''}`);
  }

  @Get('pages/assets/:file')
  asset(
    @Param('file') file: string,
    @Query('v') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    this.sendAsset(file, version, req, res);
  }

  @Get('pages/assets/i18n/:file')
  dictionary(
    @Param('file') file: string,
    @Query('v') version: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    this.sendAsset(`i18n/${file}`, version, req, res);
  }

  private async page(name: PageName, siteId: string, request: Request, response: Response): Promise<void> {
    const site = SITE_ID.test(siteId) ? await this.sites.get(siteId).catch(notFoundAsNull) : null;
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    // The shell carries the service's time, to set a screen whose own clock is wrong.
    response.setHeader('Cache-Control', 'no-store');
    if (!site) {
      response
        .status(404)
        .type('html')
        .send(
          `<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title>` +
            `<p>No site '${escapeHtml(siteId)}' here. Check the address with the fablab staff.</p></html>`,
        );
      return;
    }
    const languages = site.locales.filter((locale) => this.languages.includes(locale));
    if (languages.length === 0) languages.push(this.languages.includes('en') ? 'en' : this.languages[0]);
    const config = {
      page: name,
      siteId: site.id,
      siteName: site.name,
      network: this.config.network.name,
      timeZone: site.timeZone,
      languages,
      allLanguages: this.languages,
      publicUrl: this.config.server.publicUrl,
      serverNow: new Date(this.clock.now()).toISOString(),
      assets: ASSETS_URL,
      dictionaries: Object.fromEntries(
        this.languages.map((language) => [language, this.assets.get(`i18n/${language}.json`)?.version ?? '']),
      ),
      pageDictionaries: Object.fromEntries(
        this.languages.map((language) => [language, this.assets.get(`i18n/${name}.${language}.json`)?.version ?? null]),
      ),
    };
    const html = this.assets.render(
      `${name}.html`,
      { LANG: languages[0], DIR: RTL.has(languages[0]) ? 'rtl' : 'ltr', SITE: site.name },
      config,
    );
    response.status(200).type('html');
    send(request, response, Buffer.from(html), () => gzipSync(html));
  }

  private sendAsset(name: string, version: string | undefined, req: Request, res: Response): void {
    const file = name.split('/').pop() ?? '';
    const asset = ASSET_NAME.test(file) ? this.assets.get(name) : undefined;
    if (!asset) {
      res.status(404).json({ code: 'NOT_FOUND', message: `No page asset '${name}'.` });
      return;
    }
    const etag = `"${asset.version}"`;
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Cache-Control',
      version === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
    );
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.status(200).setHeader('Content-Type', asset.type);
    send(req, res, asset.body, () => asset.gzip);
  }
}

/** The body gzipped when the client accepts it (every browser does; curl without --compressed does not). */
function send(request: Request, response: Response, body: Buffer, gzip: () => Buffer): void {
  response.setHeader('Vary', 'Accept-Encoding');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    response.setHeader('Content-Encoding', 'gzip');
    response.end(gzip());
  } else {
    response.end(body);
  }
}

function notFoundAsNull(error: unknown): null {
  if (error instanceof DomainError && error.kind === 'not_found') return null;
  throw error;
}
