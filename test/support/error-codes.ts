import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the service writes an error code: a DomainError's `code = 'X'` or `{ code: 'X' }` of a
 * rule's refusal, a code given to a refusing error (`new JobRefusedError('X', …)`), a reservation
 * action's `refuse('X', …)`, the HTTP filter's codes for the framework's own errors.
 */
const PATTERNS = [
  /\bcode\s*[=:]\s*'([A-Z][A-Z0-9_]+)'/g,
  /\bcode:[^,\n]*\?\?\s*'([A-Z][A-Z0-9_]+)'/g,
  /Error\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /\brefuse\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /^\s*\d{3}: '([A-Z][A-Z0-9_]+)',?$/gm,
];

/** The live socket's refusals end the screen's connection: no page words them as a sentence. */
const NOT_HTTP = [join('live', 'live.gateway.ts')];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'testing' || entry === 'assets' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Every error code the service's HTTP API can answer with, read from its source, so a code added
 * tomorrow is on this list without anyone remembering to put it there.
 */
export function serverErrorCodes(srcDir = join(process.cwd(), 'src')): string[] {
  const codes = new Set<string>();
  for (const file of sources(srcDir)) {
    if (NOT_HTTP.some((skip) => file.endsWith(skip))) continue;
    const text = readFileSync(file, 'utf8');
    for (const pattern of PATTERNS) for (const match of text.matchAll(pattern)) codes.add(match[1]);
  }
  return [...codes].sort();
}
