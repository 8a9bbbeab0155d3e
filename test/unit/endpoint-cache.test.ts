// The bundle-only EndpointCache (functions/adapters/endpoint-cache.ts) behaves as the SDK's own on
// the same calls: entries expire, delete empties, has/get/getEndpoint agree.
import { EndpointCache as SdkCache } from '@aws-sdk/endpoint-cache';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EndpointCache } from '../../functions/adapters/endpoint-cache.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('EndpointCache replacement', () => {
  it('answers as the SDK cache does through set, expiry, delete and clear', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const ours = new EndpointCache(2);
    const sdk = new SdkCache(2);
    const both = <T>(f: (c: EndpointCache | SdkCache) => T) => {
      const a = f(ours);
      expect(a).toEqual(f(sdk));
      return a;
    };
    both((c) => c.get('k'));
    both((c) => c.set('k', [{ Address: 'a.example', CachePeriodInMinutes: 1 }]));
    expect(both((c) => c.getEndpoint('k'))).toBe('a.example');
    expect(both((c) => c.has('k'))).toBe(true);
    vi.advanceTimersByTime(61_000);
    expect(both((c) => c.get('k'))).toBeUndefined();
    expect(both((c) => c.has('k'))).toBe(false);
    both((c) => c.set('k', [{ Address: 'b.example', CachePeriodInMinutes: 5 }]));
    both((c) => c.delete('k'));
    expect(both((c) => c.getEndpoint('k'))).toBeUndefined();
    both((c) => c.set('x', [{ Address: 'x.example', CachePeriodInMinutes: 5 }]));
    both((c) => c.clear());
    expect(both((c) => c.has('x'))).toBe(false);
  });

  it('keeps at most its capacity of keys', () => {
    const ours = new EndpointCache(2);
    for (const k of ['a', 'b', 'c']) ours.set(k, [{ Address: `${k}.example`, CachePeriodInMinutes: 5 }]);
    expect(['a', 'b', 'c'].map((k) => ours.has(k))).toEqual([false, true, true]);
  });
});
