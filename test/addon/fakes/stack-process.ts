// The REAL local stack (local/stack.ts: API handler, dynalite, SES emulator, dispatcher) in its own
// process, for the add-on end-to-end test: the add-on's UrlFetchApp blocks the test's thread, so
// the server cannot share it. Seeds the demo profile (examples/profile) through the API as county
// IT, prints one JSON line {apiUrl, mailViewerUrl, sesEndpoint, tokens, actionSecret}, and stops the stack when
// stdin closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimClock } from '../../../local/clock.js';
import { DEFAULT_PROFILE, seedProfile } from '../../../local/demo.js';
import { loadProfile } from '../../../local/profile-files.js';
import { loadOrCreateActionSecret, startStack } from '../../../local/stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sibao-addon-e2e-'));
const stack = await startStack({ dataDir, memory: true, port: 0, sesPort: 0, clock: createSimClock(), dispatchIntervalMs: 200, log: () => undefined });
const loaded = await loadProfile(DEFAULT_PROFILE);
const seeded = await seedProfile(stack, loaded);
const emails = ['industry-editor@tongxu.example', 'commerce-editor@tongxu.example', 'command-approver@tongxu.example', 'coordination-editor@tongxu.example'];
const tokens: Record<string, string> = {};
for (const e of emails) tokens[e] = await stack.tokenFor(e);
process.stdout.write(
  `${JSON.stringify({ apiUrl: stack.apiUrl, mailViewerUrl: stack.mailViewerUrl, sesEndpoint: stack.sesEndpoint, seeded: { accepted: seeded.accepted, rejected: seeded.rejected }, tokens, actionSecret: loadOrCreateActionSecret(dataDir) })}\n`,
);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.on('SIGTERM', stop);
process.stdin.resume();
