// The action catalog and the typed notifications: the catalog agrees with itself, stored
// notifications are parsed (old extra keys dropped, bad data named), and the API's input checks and
// the confirmation pages come from the catalog's fields.
import { describe, expect, it } from 'vitest';
import { ACTIONS, API_ACTIONS, AUDIENCES, AUDIENCE_ROLE, LINKS, MAILS, actionDef, parseNotification, type LinkId } from '../../domain/issues/catalog.js';
import { parseCommandInput } from '../../functions/usecases/actions.js';
import { confirmPage } from '../../functions/http/action-pages.js';
import { act, at, create, issue, unit } from './lifecycle-fixtures.js';

describe('the catalog', () => {
  it('each link is for a role its action allows, each mail link exists, each API action is the command office’s', () => {
    for (const [id, l] of Object.entries(LINKS)) expect(actionDef(l.action).by, id).toContain(l.as);
    for (const m of Object.values(MAILS)) for (const id of m.links) expect(Object.keys(LINKS)).toContain(id);
    expect(API_ACTIONS).toEqual(['follow_up', 'reassign', 'extend', 'verify_close', 'close']);
    for (const t of API_ACTIONS) expect(actionDef(t).by).toContain('command');
  });

  it('a mail carries only its reader’s own links: unit links only in unit mails, none for 督办 or 抄送 readers', () => {
    for (const [t, m] of Object.entries(MAILS)) {
      const role = AUDIENCE_ROLE[AUDIENCES[t as keyof typeof MAILS]];
      if (role === null) expect(m.links, t).toEqual([]);
      for (const id of m.links) expect(LINKS[id].as, `${t} → ${id}`).toBe(role);
    }
    // The command office's copies and the upper unit's 督办 carry no unit link.
    for (const t of ['overdue_copy', 'escalate_copy', 'escalate'] as const) expect(MAILS[t].links).toEqual([]);
    expect(MAILS.escalate_unit).toMatchObject({ links: ['sign', 'progress', 'resolve'], live: true });
    expect(AUDIENCES).toMatchObject({ escalate_unit: 'unit', escalate: 'upper', escalate_copy: 'command', overdue: 'unit', overdue_copy: 'command' });
  });

  it('a field the lifecycle checks itself is required text, and every field has a length limit', () => {
    for (const [t, d] of Object.entries(ACTIONS)) {
      for (const f of actionDef(t as keyof typeof ACTIONS).fields) {
        expect(f.max, `${t}.${f.name}`).toBeGreaterThan(0);
        if ('code' in f) expect(f.required, `${t}.${f.name}`).toBe(true);
      }
      expect(d.label.length).toBeGreaterThan(0);
    }
  });
});

describe('parseNotification', () => {
  const created = create('WT-20220601-001', issue(), at('2022-06-01T10:00')).notifications[0];

  it('returns a notification the lifecycle made unchanged, typed by its template', () => {
    const r = parseNotification(JSON.parse(JSON.stringify(created)));
    expect(r).toEqual({ ok: true, notification: created });
  });

  it('drops keys an older version stored (the assignment mail’s `actions` list)', () => {
    const stored = { ...created, data: { ...created.data, actions: ['sign', 'return', 'resolve'] } };
    const r = parseNotification(stored);
    expect(r.ok && r.notification).toEqual(created);
  });

  it('names an unknown template and bad data instead of guessing', () => {
    expect(parseNotification({ ...created, template: 'fax' })).toMatchObject({ ok: false, reason: 'unknown_template' });
    const bad = parseNotification({ ...created, data: { ...created.data, assignment: 'first' } });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid_data' });
    expect(!bad.ok && bad.problems.join()).toContain('data.assignment');
  });

  it('parses what resolve and extend send, with the deadline the extension replaced', () => {
    const r = create('WT-20220601-002', issue(), at('2022-06-01T10:00')).record;
    const resolved = act(r, { type: 'resolve', actor: unit('GXJ'), result: '已解决' }, at('2022-06-02T10:00'));
    for (const n of resolved.notifications) expect(parseNotification(n)).toEqual({ ok: true, notification: n });
    const extended = act(r, { type: 'extend', actor: { role: 'command' }, resolveBy: '2022-06-30', reason: '需协调' }, at('2022-06-02T10:00'));
    expect(extended.notifications[0]).toMatchObject({ template: 'extend', data: { resolveBy: '2022-06-30', previousResolveBy: r.assignments[0].resolveBy } });
  });
});

describe('parseCommandInput (POST /v1/issues/{id}/actions)', () => {
  it('keeps the action’s own fields as sent', () => {
    expect(parseCommandInput({ action: 'extend', resolveBy: '2022-06-30', reason: '需协调', unit: 'ignored' })).toEqual({
      ok: true,
      input: { action: 'extend', values: { resolveBy: '2022-06-30', reason: '需协调' } },
    });
  });

  it.each([
    ['not an object', 'x', 'JSON 对象'],
    ['an unknown action', { action: 'delete' }, '字段 action'],
    ['a link-only action', { action: 'sign' }, '字段 action'],
    ['a number for a text', { action: 'reassign', unit: 5 }, '字段 unit（改派目标）'],
    ['a null for a text', { action: 'close', note: null }, '字段 note'],
    ['a result longer than its 20 characters', { action: 'follow_up', result: '满'.repeat(21) }, '不超过 20 字'],
  ])('refuses %s with a Chinese message naming the field', (_name, body, phrase) => {
    const r = parseCommandInput(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(phrase);
    expect(!r.ok && r.message).toContain('action 应为 follow_up、reassign、extend、verify_close、close');
  });
});

describe('confirmation pages from the catalog', () => {
  const base = { issueId: 'WT-1', category: '原料采购', description: '第一行\n<b>第二行</b>', enterprise: 'E', unitName: 'U', status: '已交办' };

  it.each(Object.keys(LINKS) as LinkId[])('%s: its fields, their limits, its label on the button', (id) => {
    const l = LINKS[id];
    const page = confirmPage({ ...base, link: l, values: Object.fromEntries(l.fields.map((f) => [f.name, '"><script>x</script>'])) });
    expect(page).toContain(`确认${l.label}</button>`);
    for (const f of l.fields) {
      if (f.choices) expect(page).toContain(`<select id="f-${f.name}" name="${f.name}"`);
      else if (f.date) expect(page).toContain(`<input type="date" id="f-${f.name}" name="${f.name}"`);
      else expect(page).toContain(`name="${f.name}" rows="4" maxlength="${f.max}"`);
      expect(page).toContain(f.required ? `${f.label}${f.hint ? `（${f.hint}）` : ''}（必填）` : `${f.label}`);
    }
    expect(page).not.toContain('<script>');
    expect(page).toContain('第一行<br>&lt;b&gt;第二行&lt;/b&gt;');
    expect(page).toContain(`background:${l.caution ? l.colour : '#1a7f37'}`);
  });

  it('a required choice starts unmade (an empty option the browser will not send); a given value stays chosen', () => {
    const l = LINKS.request_escalate;
    const level = l.fields.find((f) => f.name === 'level')!;
    expect(level.required && level.choices).toBeTruthy();
    const fresh = confirmPage({ ...base, link: l, values: {} });
    expect(fresh).toMatch(/<select id="f-level" name="level" required[^>]*><option value="" disabled selected>请选择<\/option><option value="/);
    const chosen = confirmPage({ ...base, link: l, values: { level: level.choices![1] } });
    expect(chosen).not.toContain('请选择');
    expect(chosen).toContain(`<option value="${level.choices![1]}" selected>`);
  });
});
