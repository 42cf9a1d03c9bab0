// Prints what each lazy module costs on top of the main bundle (a lazy
// island, `#[island(lazy)]`, or the assistant's panel): the WebAssembly files
// it fetches (its own and the chunks it shares with other modules) and their
// Brotli size, from the split build's manifest in target/site/pkg. Run by
// scripts/measure.sh.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = process.argv[2] ?? 'target/site/pkg';
const files = readdirSync(pkg);
const brotli = (stem) => {
  const file = files.find((f) => f.startsWith(`${stem}.`) && f.endsWith('.wasm.br'));
  return file ? statSync(join(pkg, file)).size : 0;
};
const manifestFile = files.find((f) => f.startsWith('__wasm_split_manifest') && f.endsWith('.json'));
if (!manifestFile) {
  console.log('no split manifest: the build was not split');
  process.exit(0);
}
const manifest = JSON.parse(readFileSync(join(pkg, manifestFile), 'utf8'));
const main = brotli('medplat');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`main bundle: ${kb(main)} Brotli; ${files.filter((f) => f.endsWith('.wasm')).length} WebAssembly files in all`);
console.log(`${'lazy module'.padEnd(22)}${'files'.padStart(6)}${'Brotli'.padStart(11)}${'with main'.padStart(12)}`);
// A lazy island's split point is named `<island>_loader_<hash>`.
const rows = Object.entries(manifest).map(([split, list]) => {
  const group = split.replace(/_loader_\d+$/, '');
  const bytes = list.reduce((sum, path) => sum + brotli(path.split('/').pop().split('.')[0]), 0);
  return { group, count: list.length, bytes };
});
for (const { group, count, bytes } of rows.sort((a, b) => a.group.localeCompare(b.group))) {
  console.log(`${group.padEnd(22)}${String(count).padStart(6)}${kb(bytes).padStart(11)}${kb(main + bytes).padStart(12)}`);
}
