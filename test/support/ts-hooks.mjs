// Module hooks behind ts-register.mjs (they run on Node's loader thread). They do, at load time,
// what `tsc` + the workspace package's `dist` would do at build time: nothing more, so code that
// runs here also runs built.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const ROOT = new URL('../../', import.meta.url);

// The workspace package's exports point at `dist`, which a fresh checkout does not have.
const ALIASES = new Map([
  ['@fabrique/firmware-bridge', new URL('firmware-bridge/src/index.ts', ROOT).href],
  ['@fabrique/firmware-bridge/runtime', new URL('firmware-bridge/src/runtime/index.ts', ROOT).href],
]);

// What tsconfig.json says about emit, per file: the code is written for isolatedModules, so
// transpiling one file at a time yields what `tsc` yields (decorator metadata included).
const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  esModuleInterop: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: true,
};

// A service restarted twenty times in a chaos suite should not transpile 200 files twenty times.
const CACHE_DIR = process.env.FABRIQUE_TS_CACHE ?? join(tmpdir(), 'fabrique-ts-cache');
const CACHE_SALT = `${ts.version}:${JSON.stringify(COMPILER_OPTIONS)}`;

export async function resolve(specifier, context, nextResolve) {
  const alias = ALIASES.get(specifier);
  if (alias) return { url: alias, format: 'module', shortCircuit: true };
  // Sources import each other as `./x.js` (module: nodenext); before a build only `./x.ts` exists.
  if (/^\.{1,2}\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (!candidate.pathname.includes('/node_modules/') && existsSync(candidate)) {
      return { url: candidate.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  return { format: 'module', source: transpile(file, readFileSync(file, 'utf8')), shortCircuit: true };
}

function transpile(file, source) {
  const key = createHash('sha256')
    .update(CACHE_SALT)
    .update('\0')
    .update(file)
    .update('\0')
    .update(source)
    .digest('hex');
  const cached = join(CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // Not transpiled yet (or the cache was cleared): fall through.
  }
  const { outputText } = ts.transpileModule(source, { fileName: file, compilerOptions: COMPILER_OPTIONS });
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Several services may start at once: write aside, then rename, so no reader sees half a file.
    const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, outputText);
    renameSync(partial, cached);
  } catch {
    // A read-only or full temp folder only costs speed.
  }
  return outputText;
}
