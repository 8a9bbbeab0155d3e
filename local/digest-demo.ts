// The last step of the demo week: the Friday digest. At the demo's Friday 17:00 (or later, if the
// clock is already past it) the digest job runs against the stack's store and SES emulator with
// `send: true` (so once per week: a second `sibao start` on the same data dir sends nothing new),
// and its page is written to `<data>/digests/<week>.html` (with --memory too: the data dir holds the
// dev issuer's key either way, and nothing is left in the system's temp dir). The page is
// also served by the stack at GET /v1/digests/<week> (signed link below, or a member's bearer).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoWeek, isoWeekRange, parseInstant, shanghaiDate } from '../domain/time/time.js';
import { runDigest, type DigestResult } from '../functions/usecases/digest.js';
import { createDigestStore } from '../functions/adapters/digest-store.js';
import { createMatchReader } from '../functions/adapters/policy-store.js';
import { logger } from '../functions/adapters/logger.js';
import type { DigestStore } from '../functions/ports.js';
import { createSesMailer } from '../functions/adapters/ses-mailer.js';
import { DEMO_START } from './clock.js';
import { DEMO_COUNTY } from './defaults.js';
import { localSesClient } from './services.js';
import { loadOrCreateActionSecret, MAIL_FROM, type Stack } from './stack.js';

export { DEMO_COUNTY };

export interface DemoDigest {
  week: string;
  /** Where the page was written. */
  path: string;
  /** The page on the running stack, with a signed view link. */
  url: string;
  status: DigestResult['status'];
  recipients: string[];
  delivered: number;
}

/** The digest store of a stack (same table and client). */
export function stackDigestStore(stack: Pick<Stack, 'dynamo' | 'tableName'>): DigestStore {
  return createDigestStore({ client: stack.dynamo, tableName: stack.tableName });
}

/** Generate and send the demo week's digest at Friday 17:00 and write its page; returns where. */
export async function runDemoDigest(stack: Stack, opts: { week?: string; countyName?: string } = {}): Promise<DemoDigest> {
  const week = opts.week ?? isoWeek(shanghaiDate(parseInstant(DEMO_START)));
  const friday = parseInstant(`${isoWeekRange(week).friday}T17:00`);
  if (stack.clock.now() < friday) stack.clock.set(friday);
  const ses = localSesClient(stack.sesEndpoint);
  try {
    const run = runDigest({
      log: logger,
      store: stack.store,
      digests: stackDigestStore(stack),
      policies: createMatchReader({ client: stack.dynamo, tableName: stack.tableName }),
      mailer: createSesMailer({ client: ses, from: MAIL_FROM }),
      clock: stack.clock,
      config: { countyName: opts.countyName ?? DEMO_COUNTY, publicBaseUrl: stack.apiUrl, actionSecrets: [loadOrCreateActionSecret(stack.dataDir)] },
    });
    const res = await run({ week, send: true });
    const dir = join(stack.dataDir, 'digests');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${week}.html`);
    writeFileSync(path, res.html);
    return { week, path, url: res.viewUrl, status: res.status, recipients: res.recipients, delivered: res.delivered };
  } finally {
    ses.destroy();
  }
}
