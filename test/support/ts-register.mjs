// Runs the service straight from its TypeScript source, with no build step:
//   node --import ./test/support/ts-register.mjs src/main.ts
// Chaos tests start the real service as a child process this way, so a SIGKILL hits exactly
// what production runs, minus the `tsc` output that may be stale or absent.
import { register } from 'node:module';
import process from 'node:process';

// The hooks emit inline source maps: stack traces then point at .ts lines, not transpiled ones.
process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
