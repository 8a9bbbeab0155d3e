// Render the digest of the test fixture's county week (2022-W23) to files, for a look in a browser
// or a mail client: `npx tsx scripts/render-digest-fixture.ts [OUT_DIR]` (default test-results/digest).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDigest } from '../domain/reports/digest.js';
import { digestSubject, renderDigestHtml, renderDigestText } from '../domain/reports/digest-render.js';
import { digestInput } from '../test/fixtures/digest-fixture.js';

const out = process.argv[2] ?? 'test-results/digest';
mkdirSync(out, { recursive: true });
const model = buildDigest(digestInput());
writeFileSync(join(out, `${model.week}.html`), renderDigestHtml(model));
writeFileSync(join(out, `${model.week}.txt`), renderDigestText(model));
writeFileSync(join(out, `${model.week}.json`), JSON.stringify(model, null, 2));
console.log(`${digestSubject(model)}\n→ ${join(out, `${model.week}.html`)}`);
