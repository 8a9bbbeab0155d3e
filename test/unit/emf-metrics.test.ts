// The EMF line of the dispatcher's metric, exactly as CloudWatch Logs extracts it (pure).
import { describe, expect, it } from 'vitest';
import { ageSeconds, emfLine, OLDEST_PENDING_METRIC } from '../../functions/adapters/metrics.js';

describe('emfLine', () => {
  it('is the documented Embedded Metric Format object, key for key', () => {
    const line = emfLine({
      namespace: OLDEST_PENDING_METRIC.namespace,
      dimensions: { County: 'tongxu' },
      name: OLDEST_PENDING_METRIC.name,
      unit: OLDEST_PENDING_METRIC.unit,
      value: 125,
      timestamp: 1_700_000_000_000,
    });
    expect(line).toBe(
      '{"_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"Sibao","Dimensions":[["County"]],' +
        '"Metrics":[{"Name":"OldestPendingNotificationAgeSeconds","Unit":"Seconds"}]}]},"County":"tongxu","OldestPendingNotificationAgeSeconds":125}',
    );
    expect(line).not.toContain('\n');
  });

  it('every dimension named in the set is a top-level member (CloudWatch drops the datapoint otherwise)', () => {
    const parsed = JSON.parse(emfLine({ namespace: 'N', dimensions: { County: 'a', Stage: 'b' }, name: 'M', unit: 'Count', value: 0, timestamp: 1 }));
    expect(parsed._aws.CloudWatchMetrics[0].Dimensions).toEqual([['County', 'Stage']]);
    expect(parsed).toMatchObject({ County: 'a', Stage: 'b', M: 0 });
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
