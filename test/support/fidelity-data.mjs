// Whether the suites that read real-world samples can run here. The samples (files and payloads
// written by other programs) live in `shared/fidelity-data` beside the repository folder, where CI
// and the project's machines have them; a plain clone elsewhere does not.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

export const FIDELITY_DATA = fileURLToPath(new URL('../../../shared/fidelity-data', import.meta.url));

/** Undefined when the fidelity suites run; otherwise the one line that says why they do not. */
export function fidelitySuitesSkipped(env = process.env) {
  const required = Boolean(env.CI) && env.CI !== 'false';
  if (required || existsSync(`${FIDELITY_DATA}/SOURCES.md`)) return undefined;
  return `Fidelity suites skipped (*.fidelity.*): no samples at ${FIDELITY_DATA}; they run where shared/fidelity-data sits beside the repository.`;
}
