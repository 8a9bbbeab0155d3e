// The digest and the command office's decisions: a batch shows whether it was answered (SPEC §7.2
// batch answers), an inspection's 状态 is the decision's (an imported 已批准 is not waiting).
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../domain/reports/digest.js';
import { renderDigestHtml, renderDigestText } from '../../domain/reports/digest-render.js';
import { digestInput, inspections } from '../fixtures/digest-fixture.js';

describe('digest: answered and unanswered batches', () => {
  it('marks the answered batch with its answer and the others as unanswered, in HTML and text', () => {
    const input = digestInput();
    const plain = buildDigest(input);
    expect(plain.batches.length).toBeGreaterThan(0);
    const answered = plain.batches[0];
    const m = buildDigest({ ...input, batchAnswers: new Map([[answered.id, { answer: '县工信局统一协调钢材供应', on: '2022-06-09', closedMembers: true }]]) });
    expect(m.batches.find((b) => b.id === answered.id)?.answer).toEqual({ answer: '县工信局统一协调钢材供应', on: '2022-06-09', closedMembers: true });
    expect(m.batches.filter((b) => b.id !== answered.id).every((b) => b.answer === undefined)).toBe(true);
    const text = renderDigestText(m);
    expect(text).toContain('已答复（2022-06-09，成员问题已一并办结）：县工信局统一协调钢材供应');
    expect(renderDigestHtml(m)).toContain('已答复');
    expect(renderDigestText(plain)).toContain('  未答复');
    expect(renderDigestText(plain)).not.toContain('已答复');
  });

  it('lists an inspection as waiting only while its 状态 is 待审批', () => {
    const input = digestInput();
    const waiting = buildDigest(input).inspections;
    expect(waiting.length).toBeGreaterThan(0);
    const decided = inspections.map((i) => ({ ...i, status: '已批准' as const }));
    expect(buildDigest({ ...input, inspections: decided }).inspections).toEqual([]);
  });
});
