#!/usr/bin/env node
// `fabrique-bridge`, the command npm links from this package's `bin`. npm links bins while it
// installs, before `npm run build` has compiled dist/, and silently skips a bin whose file does not
// exist yet: so the link points at this committed file, which loads the compiled CLI only when it
// runs, through the package's own exports (`@fabrique/firmware-bridge/runtime`, dist/runtime/).
import process from 'node:process';

let runtime;
try {
  runtime = await import('@fabrique/firmware-bridge/runtime');
} catch (error) {
  process.stderr.write(
    `fabrique-bridge: cannot load the compiled bridge (${error instanceof Error ? error.message : String(error)}).\n` +
      'Run `npm install` and then `npm run build` in the repository first.\n',
  );
  process.exit(1);
}
runtime.runCli(process.argv.slice(2));
