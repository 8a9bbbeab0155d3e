// `npm run build` (after tsc): the add-on bundle and one minified ESM bundle per Lambda.
import { buildAddon } from './build-addon.js';
import { buildFunctions } from './build-functions.js';

const t0 = Date.now();
const fns = await buildFunctions();
for (const f of fns) console.log(`dist/functions/${f.name}.mjs  ${(f.bytes / 1024).toFixed(1)} KB`);
const addon = await buildAddon();
console.log(`dist/addon/Code.js  ${(addon.bytes / 1024).toFixed(1)} KB`);
console.log(`构建完成，用时 ${Date.now() - t0} ms`);
