// Whether the browser suites can run here. Shared by the jest configuration, which leaves them out
// on a machine without Chromium (a newcomer's), and by the suites, which launch it.
import { existsSync } from 'node:fs';
import process from 'node:process';

/** Debian's Chromium, driven by playwright-core: no browser is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const INSTALL_CHROMIUM = 'sudo apt-get install -y chromium';

/**
 * CI (and `npm run test:browser`) require the browser suites: there a missing Chromium is a
 * failure, never a skip.
 */
export function browserSuitesRequired(env = process.env) {
  return env.FABRIQUE_BROWSER_TESTS === 'required' || (Boolean(env.CI) && env.CI !== 'false');
}

/** Undefined when the browser suites run; otherwise the one line that says why they do not. */
export function browserSuitesSkipped(env = process.env) {
  if (browserSuitesRequired(env) || existsSync(CHROMIUM_PATH)) return undefined;
  return (
    `Browser suites skipped (test/browser): no Chromium at ${CHROMIUM_PATH}. ` +
    `Install it (${INSTALL_CHROMIUM}), then run them with: npm run test:browser`
  );
}
