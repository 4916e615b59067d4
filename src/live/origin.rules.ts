/**
 * Which browser pages may open the live socket. A browser always names the page's origin when it
 * opens a WebSocket (and on cross-origin requests), and the socket carries staff's live board:
 * a page on another site must not read it with a token it stole or a staff member's tab it
 * borrowed. Programs (kiosk sticks' own clients, tests, scripts) send no Origin and are judged by
 * their token alone, as before.
 *
 * Same origin means the Origin's host is the Host the request came to; the scheme is left out
 * because a TLS proxy in front of the service turns https into http on the way.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file) and anything unreadable
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host === host || allowed.includes(url.origin);
}

/** The origins configured besides the request's own: the public URL's and `server.allowedOrigins`. */
export function configuredOrigins(publicUrl: string, allowedOrigins: readonly string[]): string[] {
  return [new URL(publicUrl).origin, ...allowedOrigins.map((o) => new URL(o).origin)];
}
