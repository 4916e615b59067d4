import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Files written by other programs (../shared/fidelity-data/SOURCES.md says where each comes from).
// CI checks the repository out with `shared/` beside it; a missing folder fails the suite instead of
// skipping it, so "every sample is read" can never pass by reading none.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const FIDELITY_DATA = join(REPO_ROOT, '..', 'shared', 'fidelity-data');

if (!existsSync(join(FIDELITY_DATA, 'SOURCES.md'))) {
  throw new Error(
    `No fidelity data at ${FIDELITY_DATA}: the sample files must sit in shared/fidelity-data beside the repository folder`,
  );
}

/** The sample files of one folder (`embroidery`, `print`), sorted, so a new one is tested without a code change. */
export function sampleNames(folder: string): string[] {
  return readdirSync(join(FIDELITY_DATA, folder)).sort();
}

export function readSample(folder: string, name: string): Buffer {
  return readFileSync(join(FIDELITY_DATA, folder, name));
}
