#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.mjs (all, or those named: `npm run bench -- engine`).
// Each prints its figures and the ratio to a baseline measured in the same run.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .sort();
const selected = wanted.length ? all.filter((b) => wanted.includes(b)) : all;
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
for (const name of selected) {
  console.log(`\n== ${name} ==`);
  const mod = await import(pathToFileURL(join(here, `${name}.bench.mjs`)).href);
  await mod.default();
}
