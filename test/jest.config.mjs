// The test tiers, as jest projects: `npm test` runs them all, `npm run test:<tier>` one of them.
// A config file (not package.json) because the browser tier is left out, with one line saying so,
// on a machine without Chromium — and required, never skipped, in CI.
import { readdirSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { browserSuitesSkipped } from './browser/support/chromium.mjs';
import { fidelitySuitesSkipped } from './support/fidelity-data.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** TypeScript through ts-jest as native ES modules (NestJS 12 is ESM-only). */
const typescript = {
  rootDir: root,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@fabrique/firmware-bridge$': '<rootDir>/firmware-bridge/src/index.ts',
    '^@fabrique/firmware-bridge/runtime$': '<rootDir>/firmware-bridge/src/runtime/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

const browserSuites = readdirSync(new URL('./browser', import.meta.url)).filter((f) => f.endsWith('.e2e.ts'));
const skipped = browserSuitesSkipped();
const noSamples = fidelitySuitesSkipped();
// Suites named *.fidelity.* read shared/fidelity-data; without it they are left out, said once.
const samples = noSamples ? { testPathIgnorePatterns: ['/node_modules/', '\\.fidelity\\.'] } : {};

export default {
  rootDir: root,
  // Both cores (jest's default keeps one free): suites are independent, each on its own database,
  // broker port and topic prefix.
  maxWorkers: '100%',
  // Waits end on events; this only turns a hung test into a failure. Ten minutes: the longest
  // volume test (4,000 racing bookings) takes about 30 s on a quiet 2-core machine and must pass
  // on one many times slower (test/support/patience.ts).
  testTimeout: 600_000,
  reporters: [
    'default',
    ['<rootDir>/test/support/skipped-suites-reporter.mjs', { skipped: [skipped, noSamples].filter(Boolean) }],
  ],
  projects: [
    {
      ...typescript,
      ...samples,
      displayName: 'firmware-bridge',
      roots: ['<rootDir>/firmware-bridge/src'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/firmware-bridge/tsconfig.json' }] },
    },
    { ...typescript, ...samples, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...typescript,
      ...samples,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/*.e2e.ts'],
    },
    ...(skipped
      ? []
      : [
          {
            ...typescript,
            displayName: 'browser',
            roots: ['<rootDir>/test/browser'],
            testMatch: browserSuites.map((file) => `<rootDir>/test/browser/${file}`),
          },
        ]),
  ],
};
