// Builds the Apps Script add-on: sheets-addon/main.ts → dist/addon/Code.js (esbuild IIFE under the
// global `__app`, then one real top-level function per export, which is all Apps Script can see),
// plus appsscript.json and the sidebar HTML. clasp pushes dist/addon (rootDir of .clasp.json).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ADDON_OUT_DIR = join(root, 'dist/addon');
/** Apps Script quota-friendly ceiling for the bundle (minified). */
export const ADDON_MAX_BYTES = 300 * 1024;
const ENTRY = 'sheets-addon/main.ts';

/** Top-level stubs Apps Script can call: `function onOpen(){return __app.onOpen.apply(this,arguments)}`. */
export function globalStubs(names: readonly string[]): string {
  return names
    .map((n) => {
      if (!/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`export name not usable as an Apps Script global: ${n}`);
      return `function ${n}(){return __app.${n}.apply(this,arguments)}`;
    })
    .join('\n');
}

export async function buildAddon(): Promise<{ bytes: number; exports: string[] }> {
  await mkdir(ADDON_OUT_DIR, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    globalName: '__app',
    target: 'es2020',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  // An IIFE output lists no exports in the metafile: read the entry's export names from an ESM
  // metafile of the entry alone (no bundling, nothing written).
  const names = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const out = Object.values(names.metafile.outputs)[0];
  const exports = [...(out?.exports ?? [])].sort();
  if (exports.length === 0) throw new Error(`${ENTRY} exports nothing`);
  const js = result.outputFiles[0].text;
  const code = `${js}\n${globalStubs(exports)}\n`;
  const bytes = Buffer.byteLength(code);
  if (bytes > ADDON_MAX_BYTES) throw new Error(`dist/addon/Code.js is ${bytes} bytes, over the ${ADDON_MAX_BYTES} limit`);
  await writeAtomic(join(ADDON_OUT_DIR, 'Code.js'), code);
  await writeAtomic(join(ADDON_OUT_DIR, 'appsscript.json'), await readFile(join(root, 'sheets-addon/appsscript.json'), 'utf8'));
  await writeAtomic(join(ADDON_OUT_DIR, 'sidebar.html'), await readFile(join(root, 'sheets-addon/sidebar.html'), 'utf8'));
  return { bytes, exports };
}

/** Write then rename: a test reading dist/addon while another build runs never sees half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildAddon();
  console.log(`dist/addon/Code.js  ${(r.bytes / 1024).toFixed(1)} KB  (${r.exports.join(', ')})`);
}
