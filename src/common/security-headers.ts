import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every HTTP answer, the API's JSON and files included (the pages add their
 * Content-Security-Policy): no content-type sniffing, no framing, no Referer leaving with a
 * secret URL (a calendar feed's), and no reading of our answers by other sites' pages.
 */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  next();
}
