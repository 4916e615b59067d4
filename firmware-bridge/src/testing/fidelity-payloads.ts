import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord, type JsonObject } from '../adapters/native-kit/read.js';

// What real printers and their servers send (../shared/fidelity-data/SOURCES.md says where each
// payload comes from). CI checks the repository out with `shared/` beside it; a missing folder
// fails the suite instead of skipping it, so "every payload is read" never passes by reading none.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAYLOADS = join(REPO_ROOT, '..', 'shared', 'fidelity-data', 'payloads');

if (!existsSync(PAYLOADS)) {
  throw new Error(`No fidelity payloads at ${PAYLOADS}: shared/fidelity-data must sit beside the repository folder`);
}

/** The payload files of one protocol (`bambu`, `octoprint`, `moonraker`), sorted: a new one is tested unasked. */
export function payloadNames(protocol: string): string[] {
  return readdirSync(join(PAYLOADS, protocol))
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readPayload(protocol: string, name: string): JsonObject {
  const value: unknown = JSON.parse(readFileSync(join(PAYLOADS, protocol, name), 'utf8'));
  if (!isRecord(value)) throw new Error(`${protocol}/${name} is not a JSON object`);
  return value;
}
