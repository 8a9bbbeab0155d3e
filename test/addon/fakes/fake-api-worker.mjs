// A small sync API on 127.0.0.1 speaking the documented shape of SPEC §5 (POST /v1/sync,
// GET /v1/issues, GET /v1/coverage), for the unit-level add-on tests and the benchmark. It runs in
// a worker thread because the add-on's UrlFetchApp blocks the test's thread. It is a stand-in for
// the real API (the end-to-end test uses the real local stack): idempotent by row content, a stale
// version is a conflict, 401 without the expected bearer, 403 for another class, 413 over the
// byte limit. POST /v1/sync/manifest answers `manifestAnswer` (default: nothing deleted; see below); GET
// /v1/issues/{id} gives a stored issue row's values back.
// Control: POST /__control {failNext:[status…], allowClass, maxBytes, manifestAnswer, pageCap,
// legacyIssues (GET /v1/issues answers the whole list without `next`, as before pages)}; GET /__log.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const state = {
  token: workerData.token,
  allowClass: workerData.allowClass ?? 'industry',
  maxBytes: workerData.maxBytes ?? 6 * 1024 * 1024,
  failNext: [],
  rows: new Map(), // spreadsheetId|kind|row -> { content, version, id }
  issues: new Map(), // id -> issue status
  log: [],
  seq: 0,
  overdue: new Set(),
  manifestAnswer: undefined, // { status, body } for the next manifests
};

const send = (res, status, obj) => {
  const body = JSON.stringify(obj);
  // No keep-alive: every request on its own connection (a reused idle socket closed by the server
  // would fail the test's control calls with EPIPE).
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(body);
};

function sync(body) {
  const results = [];
  for (const r of body.rows) {
    const key = `${body.spreadsheetId}|${body.kind}|${r.row}`;
    // Hidden `_` columns (`_标识`) are not content, as on the real server.
    const content = JSON.stringify(Object.fromEntries(Object.entries(r.values).filter(([h]) => !h.startsWith('_'))));
    const prev = state.rows.get(key);
    const note = String(r.values['备注'] ?? '') + String(r.values['问题描述'] ?? '');
    if (note.includes('#reject')) {
      results.push({ row: r.row, ok: false, errors: [{ column: r.values['备注'] !== undefined ? '备注' : '问题描述', code: 'server_rule', message: '服务器复核未通过：请核实本行内容' }] });
      continue;
    }
    if (prev && r.version !== undefined && r.version !== prev.version) {
      results.push({ row: r.row, ok: false, errors: [{ column: '', code: 'conflict', message: `版本冲突：服务器版本为 ${prev.version}，本行为 ${r.version}` }] });
      continue;
    }
    let entry = prev;
    if (!prev) {
      state.seq++;
      // The ids the real server answers: 编号 for issues, the natural key (统一社会信用代码) for whitelist rows.
      const id = body.kind === 'issue' ? `WT-20220610-${String(state.seq).padStart(3, '0')}` : body.kind === 'whitelist' ? String(r.values['统一社会信用代码']) : `${body.kind}-${state.seq}`;
      entry = { content, version: 1, id };
      state.rows.set(key, entry);
    } else if (prev.content !== content) {
      prev.content = content;
      prev.version++;
    }
    const writeBack = {};
    if (body.kind === 'issue') {
      const issue = { id: entry.id, status: '已交办', unit: 'GXJ', also: [], signBy: '2022-06-13', feedbackBy: '2022-06-15', resolveBy: '2022-06-21', overdue: false, escalationLevel: 0 };
      state.issues.set(entry.id, issue);
      Object.assign(writeBack, { 编号: entry.id, 状态: issue.status, 责任单位: issue.unit, 签收时限: issue.signBy, 办结时限: issue.resolveBy });
      if (note.includes('#formula')) writeBack['办理结果'] = '=HYPERLINK("http://attacker.example","点我")';
    }
    results.push({ row: r.row, ok: true, id: entry.id, version: entry.version, errors: [], writeBack });
  }
  return { results };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/__log') return send(res, 200, { requests: state.log });
    if (url.pathname === '/__control') {
      const c = JSON.parse(raw.toString('utf8') || '{}');
      if (c.failNext) state.failNext.push(...c.failNext);
      if (c.allowClass) state.allowClass = c.allowClass;
      if (c.maxBytes) state.maxBytes = c.maxBytes;
      if (c.pageCap !== undefined) state.pageCap = c.pageCap ?? undefined;
      if (c.legacyIssues !== undefined) state.legacyIssues = c.legacyIssues;
      if (c.overdue) for (const id of c.overdue) { const i = state.issues.get(id); if (i) { i.overdue = true; i.escalationLevel = 1; i.status = '办理中'; } }
      if (c.clearLog) state.log = [];
      if (c.manifestAnswer !== undefined) state.manifestAnswer = c.manifestAnswer;
      if (c.reset) { state.rows.clear(); state.issues.clear(); state.log = []; state.seq = 0; state.failNext = []; state.manifestAnswer = undefined; state.maxBytes = workerData.maxBytes ?? 6 * 1024 * 1024; state.allowClass = workerData.allowClass ?? 'industry'; state.pageCap = undefined; state.legacyIssues = false; }
      return send(res, 200, { ok: true });
    }
    const entry = { method: req.method, path: url.pathname, bytes: raw.length, rows: 0, status: 0, auth: req.headers.authorization ?? '', body: raw.length < 65536 ? raw.toString('utf8') : undefined };
    state.log.push(entry);
    const done = (status, obj) => { entry.status = status; send(res, status, obj); };
    if (req.headers.authorization !== `Bearer ${state.token}`) return done(401, { error: { code: 'unauthorized', message: '缺少或无效的身份令牌' } });
    if (state.failNext.length > 0) { const s = state.failNext.shift(); return done(s, { error: { code: 'injected', message: `测试注入的 ${s}` } }); }
    if (req.method === 'POST' && url.pathname === '/v1/sync') {
      if (raw.length > state.maxBytes) return done(413, { error: { code: 'too_large', message: '请求体过大' } });
      const body = JSON.parse(raw.toString('utf8'));
      entry.rows = body.rows.length;
      entry.kind = body.kind;
      if (body.workClass !== state.allowClass) return done(403, { error: { code: 'forbidden', message: '不是本专班成员' } });
      return done(200, sync(body));
    }
    if (req.method === 'POST' && url.pathname === '/v1/sync/manifest') {
      const body = JSON.parse(raw.toString('utf8'));
      entry.kind = body.kind;
      entry.rows = body.ids.length;
      if (body.workClass !== state.allowClass) return done(403, { error: { code: 'forbidden', message: '不是本专班成员' } });
      // manifestAnswer: { status, body } for every tab, or only for `kind`; `confirmed` answers a resend with confirmDeletions.
      const a = state.manifestAnswer;
      if (a && (a.kind === undefined || a.kind === body.kind)) {
        if (body.confirmDeletions === true && a.confirmed) return done(200, a.confirmed);
        return done(a.status ?? 200, a.body);
      }
      return done(200, { deleted: 0, kept: body.ids.length, refused: [] });
    }
    if (req.method === 'GET' && url.pathname === '/v1/history') {
      const k = url.searchParams.get('key') ?? '';
      entry.kind = url.searchParams.get('kind') ?? undefined;
      entry.key = k;
      const known = [...state.rows.entries()].some(([rk, v]) => rk.includes(`|${entry.kind}|`) && JSON.stringify(JSON.parse(v.content)).includes(k));
      if (!known) return done(404, { error: { code: 'not_found', message: '没有该行' } });
      return done(200, { kind: entry.kind, key: k, entries: [{ revision: 2, at: '2022-06-10 10:00', by: 'ind@county.example', source: 'sheet', op: 'update', changes: { 员工人数: { from: '100', to: '99' } } }, { revision: 1, at: '2022-06-10 09:00', by: 'ind@county.example', source: 'sheet', op: 'create', changes: {} }], next: null });
    }
    const one = /^\/v1\/issues\/(WT-\d{8}-\d{3})$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      for (const v of state.rows.values()) {
        if (v.id !== one[1]) continue;
        const i = state.issues.get(v.id);
        return done(200, { issue: { id: v.id, version: v.version, deleted: false, values: { ...JSON.parse(v.content), 编号: v.id, 状态: i?.status ?? '', 责任单位: i?.unit ?? '' } }, events: [], next: null });
      }
      return done(404, { error: { code: 'issue_not_found', message: '未找到' } });
    }
    if (req.method === 'GET' && url.pathname === '/v1/issues') {
      entry.query = url.search;
      const all = [...state.issues.values()];
      const limit = url.searchParams.get('limit');
      const cursor = url.searchParams.get('cursor');
      // Without limit and cursor: the whole list (older add-ons). With them: pages of at most `limit`
      // (and at most pageCap, to make small tests page), `next` an index into the list.
      if ((limit === null && cursor === null) || state.legacyIssues) return done(200, { issues: all });
      const from = cursor === null ? 0 : Number(cursor);
      const size = Math.min(Number(limit ?? 100), state.pageCap ?? Infinity);
      const next = from + size < all.length ? String(from + size) : null;
      return done(200, { issues: all.slice(from, from + size), next });
    }
    if (req.method === 'GET' && url.pathname === '/v1/coverage') {
      let covered = 0;
      let count = 0;
      for (const [k, v] of state.rows) {
        if (!k.includes('|whitelist|')) continue;
        const values = JSON.parse(v.content);
        if (values['状态'] === '已纳入') { covered += Number(values['产值或投资额（万元）']) || 0; count++; }
      }
      const total = 10000;
      const sectors = ['工业生产', '商贸流通', '交通运输', '文化旅游', '重点项目'].map((s) =>
        s === '工业生产'
          ? { sector: s, covered, total, coverage: covered / total, target: 0.7, gap: Math.max(0, 0.7 * total - covered), count, error: null, deadline: '2022-06-30' }
          : { sector: s, covered: 0, total: null, coverage: null, target: 0.7, gap: null, count: 0, error: 'no_total', message: '缺少领域总量', deadline: null });
      return done(200, { at: '2022-06-10', sectors, overall: { covered, total, coverage: covered / total, target: 0.7, gap: Math.max(0, 0.7 * total - covered), count, error: 'incomplete', onTrack: covered / total >= 0.7 } });
    }
    return done(404, { error: { code: 'not_found', message: 'not found' } });
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); });
