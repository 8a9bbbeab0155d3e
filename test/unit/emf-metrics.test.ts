// The EMF line of the dispatcher's metric as Powertools Metrics writes it on stdout, exactly as
// CloudWatch Logs extracts it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ageSeconds, createMetricPublisher, OLDEST_PENDING_METRIC, type Datapoint } from '../../functions/adapters/metrics.js';

/** The lines `fn` writes on stdout (where Lambda's EMF lines go), not printed. */
function stdoutOf(fn: () => void): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write);
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('createMetricPublisher (Powertools Metrics)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const publish = (namespace: string, p: Datapoint) => stdoutOf(() => createMetricPublisher(namespace)(p));

  it('is the documented Embedded Metric Format object, key for key, one line', () => {
    const lines = publish(OLDEST_PENDING_METRIC.namespace, {
      dimensions: { County: 'tongxu' },
      name: OLDEST_PENDING_METRIC.name,
      unit: OLDEST_PENDING_METRIC.unit,
      value: 125,
    });
    expect(lines).toEqual([
      '{"_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"Sibao","Dimensions":[["County"]],' +
        '"Metrics":[{"Name":"OldestPendingNotificationAgeSeconds","Unit":"Seconds"}]}]},"County":"tongxu","OldestPendingNotificationAgeSeconds":125}',
    ]);
  });

  it('every dimension named in the set is a top-level member (CloudWatch drops the datapoint otherwise)', () => {
    const [line] = publish('N', { dimensions: { County: 'a', Stage: 'b' }, name: 'M', unit: 'Count', value: 0 });
    const parsed = JSON.parse(line);
    expect(parsed._aws.CloudWatchMetrics[0].Dimensions).toEqual([['County', 'Stage']]);
    expect(parsed).toMatchObject({ County: 'a', Stage: 'b', M: 0 });
  });

  it('publishes each datapoint on its own line with only its own dimensions (no service dimension)', () => {
    const lines = stdoutOf(() => {
      const p = createMetricPublisher('Sibao');
      p({ dimensions: { County: 'a' }, name: OLDEST_PENDING_METRIC.name, unit: 'Seconds', value: 1 });
      p({ dimensions: { County: 'b' }, name: OLDEST_PENDING_METRIC.name, unit: 'Seconds', value: 2 });
    });
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { County: 'a', OldestPendingNotificationAgeSeconds: 1, _aws: { CloudWatchMetrics: [{ Dimensions: [['County']] }] } },
      { County: 'b', OldestPendingNotificationAgeSeconds: 2, _aws: { CloudWatchMetrics: [{ Dimensions: [['County']] }] } },
    ]);
    expect(lines.some((l) => l.includes('service'))).toBe(false);
  });
});

describe('ageSeconds', () => {
  it.each([
    [null, 5_000, 0],
    [1_000, 1_000, 0],
    [1_000, 1_999, 0],
    [1_000, 2_000, 1],
    [0, 900_000, 900],
    [10_000, 5_000, 0], // a clock behind the record never reports a negative age
  ])('createdAt %s at %s -> %s s', (createdAt, now, expected) => {
    expect(ageSeconds(createdAt, now)).toBe(expected);
  });
});
