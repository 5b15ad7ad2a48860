'use strict';
// Berth launcher, written by Berth into .berth/ of every workspace; do not edit.
// argv: launch.cjs <entrypoint> [args...]. The entrypoint is data, never code to interpolate.
// A module that exports main(id, config) (may be async) is imported and main is called with BOT_ID and the
// parsed config.json; for a backtest (BERTH_RESULT_PATH set) the resolved value is written as JSON to that
// path unless the program wrote it itself. Any other file runs as the main module, as `node <file>` would.
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { pathToFileURL } = require('url');

const EXPORTS_MAIN = [
  /\bexport\s+(?:async\s+)?function\s*\*?\s*main\s*\(/,
  /\bexport\s+(?:const|let|var)\s+main\b/,
  /\bexport\s*\{[^}]*\bmain\b[^}]*\}/,
  /\b(?:module\.)?exports\.main\s*=/,
  /\bmodule\.exports\s*=\s*\{[^}]*\bmain\b/,
];

function fail(error) {
  const text = error && error.stack ? error.stack : String(error);
  process.exitCode = 1;
  process.stderr.write(text + '\n', () => process.exit(1));
}

function readConfig(workspace) {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspace, 'config.json'), 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    return JSON.parse(process.env.BOT_CONFIG || '{}');
  }
}

function writeResult(result) {
  const target = process.env.BERTH_RESULT_PATH;
  const text = result === undefined || result === null ? undefined : JSON.stringify(result);
  if (!target || text === undefined || fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target + '.berth-tmp', text);
  fs.renameSync(target + '.berth-tmp', target);
}

async function run() {
  if (process.argv.length < 3) throw new Error('berth launcher: no entrypoint given');
  const entry = path.resolve(process.argv[2]);
  const workspace = path.dirname(__dirname);
  const source = fs.readFileSync(entry, 'utf8');
  if (!EXPORTS_MAIN.some((pattern) => pattern.test(source))) {
    process.argv.splice(1, 2, entry);
    Module.runMain(entry);
    return;
  }
  process.argv.splice(2, 1);
  const namespace = await import(pathToFileURL(entry).href);
  let main = namespace.main;
  if (typeof main !== 'function' && namespace.default && typeof namespace.default.main === 'function') {
    main = namespace.default.main;
  }
  if (typeof main !== 'function') return;
  const result = await main(process.env.BOT_ID || '', readConfig(workspace));
  writeResult(result);
}

run().catch(fail);
