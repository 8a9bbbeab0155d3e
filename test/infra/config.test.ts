// Context parsing of the CDK app: defaults, derived values and clear errors (no synth needed).
import { describe, expect, it } from 'vitest';
import { InfraConfigError, readCountyConfig } from '../../infra/config.js';

const ctx = (values: Record<string, unknown>) => ({ tryGetContext: (k: string) => values[k] });
const base = { county: 'tongxu', region: 'ap-northeast-1', sesIdentity: 'mail.tongxu.example' };

function codeOf(values: Record<string, unknown>): string | undefined {
  try {
    readCountyConfig(ctx(values));
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(InfraConfigError);
    return (e as InfraConfigError).code;
  }
}

describe('readCountyConfig', () => {
  it('fills defaults: From address on the domain, CORS limited to Apps Script, INFO logs kept 90 days', () => {
    const c = readCountyConfig(ctx(base));
    expect(c).toMatchObject({
      county: 'tongxu',
      sesIdentity: 'mail.tongxu.example',
      mailFrom: 'sibao@mail.tongxu.example',
      corsAllowOrigins: ['https://script.google.com'],
      bootstrapAdmins: [],
      logLevel: 'INFO',
      logRetentionDays: 90,
    });
    expect(c.addonClientId).toBeUndefined();
  });

  it('an address identity is its own From address; lists come comma-separated', () => {
    const c = readCountyConfig(
      ctx({ ...base, sesIdentity: 'Office@Tongxu.example', bootstrapAdmins: 'a@tongxu.example, B@tongxu.example', logRetentionDays: '30' }),
    );
    expect(c.mailFrom).toBe('office@tongxu.example');
    expect(c.bootstrapAdmins).toEqual(['a@tongxu.example', 'b@tongxu.example']);
    expect(c.logRetentionDays).toBe(30);
  });

  it.each([
    [{ ...base, county: undefined }, 'context_missing'],
    [{ ...base, county: 'Tong Xu' }, 'context_invalid'],
    [{ ...base, sesIdentity: 'not a domain' }, 'context_invalid'],
    [{ ...base, mailFrom: 'x@other.example' }, 'context_invalid'],
    [{ ...base, corsAllowOrigins: '*' }, 'context_invalid'],
    [{ ...base, logRetentionDays: 10 }, 'context_invalid'],
    [{ ...base, alarmEmail: 'ops' }, 'context_invalid'],
    [{ ...base, region: 'tokyo' }, 'context_invalid'],
  ])('rejects %o with %s', (values, code) => {
    expect(codeOf(values)).toBe(code);
  });

  it('messages are Chinese and name the context key', () => {
    expect(() => readCountyConfig(ctx({ ...base, mailFrom: 'x@other.example' }))).toThrow(/mailFrom.*不属于 SES 身份/);
  });
});
