// `node --import ./bench/import-trace.mjs …`: appends the URL of every module Node loads through the
// ESM loader to the file named by SIBAO_IMPORT_TRACE (one per line), so bench/cli-start.bench.ts can
// tell which packages a command loaded at start-up. Registered before tsx's own hooks.
import { register } from 'node:module';

if (process.env.SIBAO_IMPORT_TRACE) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      let file;
      export function initialize(data) { file = data.file; }
      export async function load(url, context, next) {
        appendFileSync(file, url + '\\n');
        return next(url, context);
      }
    `)}`,
    { data: { file: process.env.SIBAO_IMPORT_TRACE } },
  );
}
