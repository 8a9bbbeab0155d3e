// The digest page in a real Chromium, at desktop (1280 px) and phone (375 px) widths: every section
// heading is shown, the page has no horizontal overflow on the phone (wide tables scroll inside their
// own container), nothing external is loaded and no script runs. Screenshots go to test-results/.
// Two sources: the rendered fixture digest from a bare node:http server, and the REAL
// GET /v1/digests/{week} of a local stack (startStack in memory) after the digest job published the
// fixture county's week there (opened with the signed view link of the mail).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openWatchedPage } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest } from '../../domain/reports/digest.js';
import { renderDigestHtml } from '../../domain/reports/digest-render.js';
import { COUNTY, digestInput, WEEK } from '../fixtures/digest-fixture.js';
import { seedDigestFixture } from '../fixtures/digest-seed.js';
import { runDemoDigest, stackDigestStore } from '../../local/digest-demo.js';
import { fitsAndShoot, usePageEnv } from './page-setup.js';

const HEADINGS = [
  '一、核心指标',
  '二、白名单覆盖率',
  '三、问题诉求办理情况',
  '四、责任单位办理情况及红黑榜',
  '五、逾期及升级督办事项',
  '六、共性问题（点办理、批处理）',
  '七、白名单变动',
  '八、防疫保障配备缺口',
  '九、政策清单及咨询员报备',
  '十、待审批检查事项',
  '十一、停产停工及熔断抽查',
  '十二、督办督查情况',
  '十三、数据质量提示',
];

let server: Server;
let base: string;
/** Page URL per source. */
const urls: Record<string, string> = {};

const env = usePageEnv('digest', { start: '2022-06-10T16:00+08:00' }, async (stack) => {
  await seedDigestFixture(stack.store, stackDigestStore(stack));
  const published = await runDemoDigest(stack, { week: WEEK, countyName: COUNTY });
  expect(published.status).toBe('sent');
  urls.stack = published.url;
});

beforeAll(async () => {
  const html = renderDigestHtml(buildDigest(digestInput()));
  server = createServer((req, res) => {
    if (req.url === `/v1/digests/${WEEK}`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  urls.fixture = `${base}/v1/digests/${WEEK}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe.each([
  { name: 'desktop', width: 1280, height: 900, source: 'fixture' },
  { name: 'phone', width: 375, height: 740, source: 'fixture' },
  { name: 'desktop', width: 1280, height: 900, source: 'stack' },
  { name: 'phone', width: 375, height: 740, source: 'stack' },
])('digest page at $width px from the $source', ({ name, width, height, source }) => {
  it(`${name}: shows every section, loads nothing external, runs no script and does not overflow`, async () => {
    const url = urls[source];
    const { context, page, requests, dialogs } = await openWatchedPage(env.browser, { width, height });

    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);

    const h2 = await page.locator('h2').allInnerTexts();
    expect(h2.map((t) => t.trim())).toEqual(HEADINGS);
    for (const heading of HEADINGS) await expect(page.getByText(heading, { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('红榜（表扬）').isVisible()).resolves.toBe(true);
    await expect(page.getByText('黑榜（通报）').isVisible()).resolves.toBe(true);

    // The company name with markup is shown as text, not run.
    expect(dialogs).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByText('<script>alert(1)</script>&"').count()).toBeGreaterThan(0);
    // Only the page itself was requested.
    expect(requests).toEqual([url]);

    await fitsAndShoot(page, width, `digest-${source === 'stack' ? 'stack-' : ''}${name}-${width}`);
    await context.close();
  });
});
