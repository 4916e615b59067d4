// The bridge session counter survives restarts: the service drops messages of an older session,
// so a bridge that restarted at session 1 after running at session 40 would be ignored.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'session.json';

/** Increments, persists and returns the session number (1 on a fresh data directory). */
export function nextSession(dataDir: string): number {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  let previous = 0;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { session?: unknown };
    if (typeof parsed.session === 'number' && Number.isSafeInteger(parsed.session) && parsed.session >= 0) {
      previous = parsed.session;
    }
  } catch {
    // Missing or unreadable: start over. A corrupt counter must not keep the bridge down.
  }
  const session = previous + 1;
  // Write-then-rename: a crash mid-write leaves the old counter, never half a file.
  writeFileSync(`${path}.tmp`, JSON.stringify({ session }));
  renameSync(`${path}.tmp`, path);
  return session;
}
