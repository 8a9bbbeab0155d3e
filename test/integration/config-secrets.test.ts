// Configuration resolution against a local Secrets Manager (127.0.0.1, JSON protocol, signatures
// checked with AWS's signer): env wins, an ARN is read once, neither -> a clear error. The reader is
// Powertools Parameters' SecretsProvider (adapters/secrets.ts): its requests are the SDK client's.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveApiConfig, resolveDispatchConfig, resolveSecretSetting } from '../../functions/adapters/config.js';
import { cachedSecretReader, createSecretsManagerReader, regionOfArn, SecretReadError, type SecretReader } from '../../functions/adapters/secrets.js';
import { startSecretsManagerServer, TEST_CREDENTIALS, type SecretsManagerServer } from '../fixtures/secrets-manager-server.js';

const ACTION_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:sibao/tongxu/action-secret-AbCdEf';
const AUDIENCE_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:sibao/tongxu/oauth-audience-GhIjKl';
const KEY_NEW = 'k'.repeat(64);
const KEY_OLD = 'o'.repeat(64);
const AUDIENCE = '1234567890-demo.apps.googleusercontent.example';

let sm: SecretsManagerServer;
beforeAll(async () => {
  sm = await startSecretsManagerServer({ [ACTION_ARN]: `${KEY_NEW},${KEY_OLD}`, [AUDIENCE_ARN]: `${AUDIENCE}\n` });
});
afterAll(async () => {
  await sm?.stop();
});
beforeEach(() => {
  sm.requests.length = 0;
});

const reader = (over: Parameters<typeof createSecretsManagerReader>[0] = {}): SecretReader =>
  createSecretsManagerReader({ endpoint: sm.endpoint, credentials: async () => TEST_CREDENTIALS, env: {}, ...over });

const lambdaEnv = { TABLE_NAME: 'sibao-tongxu', ACTION_SECRET_ARN: ACTION_ARN, OAUTH_AUDIENCE_ARN: AUDIENCE_ARN, BOOTSTRAP_ADMINS: 'It@Tongxu.example' };

describe('the local Secrets Manager is faithful to the protocol', () => {
  it('the real SDK client (endpoint override, dummy credentials) reads a secret from it', async () => {
    const client = new SecretsManagerClient({ endpoint: sm.endpoint, region: 'ap-northeast-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const out = await client.send(new GetSecretValueCommand({ SecretId: AUDIENCE_ARN }));
    client.destroy();
    expect(out.SecretString).toBe(`${AUDIENCE}\n`);
    expect(sm.rejected).toBe(0);
  });

  it('the real SDK client signed with the wrong key is rejected', async () => {
    const before = sm.rejected;
    const client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: 'ap-northeast-1',
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await expect(client.send(new GetSecretValueCommand({ SecretId: AUDIENCE_ARN }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    client.destroy();
    expect(sm.rejected).toBe(before + 1);
  });
});

describe('createSecretsManagerReader (adapters/secrets.ts, Powertools SecretsProvider)', () => {
  it('reads the SecretString with a signature the service accepts (also with a session token)', async () => {
    const before = sm.rejected;
    expect(await reader()(AUDIENCE_ARN)).toBe(`${AUDIENCE}\n`);
    const withSession = reader({ credentials: async () => ({ ...TEST_CREDENTIALS, sessionToken: 'session-token-of-the-role' }) });
    expect(await withSession(ACTION_ARN)).toBe(`${KEY_NEW},${KEY_OLD}`);
    expect(sm.rejected).toBe(before);
  });

  it('a wrong key is rejected by the server and reported with the service error type', async () => {
    const bad = reader({ credentials: async () => ({ ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }) });
    await expect(bad(AUDIENCE_ARN)).rejects.toMatchObject({ name: 'SecretReadError', code: 'InvalidSignatureException' });
  });

  it('an unknown secret is ResourceNotFoundException, naming the secret', async () => {
    const missing = ACTION_ARN.replace('action-secret', 'nothing');
    const err = await reader()(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretReadError);
    expect(err).toMatchObject({ code: 'ResourceNotFoundException' });
    expect((err as Error).message).toContain(missing);
  });

  it('retries a 500 and then succeeds', async () => {
    sm.failNext(1);
    expect(await reader()(AUDIENCE_ARN)).toBe(`${AUDIENCE}\n`);
    expect(sm.requests).toEqual([AUDIENCE_ARN, AUDIENCE_ARN]);
  });

  it('takes the region from the ARN and the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    expect(regionOfArn(ACTION_ARN)).toBe('ap-northeast-1');
    expect(regionOfArn('sibao/tongxu/action-secret')).toBeUndefined();
    const fromEnv = createSecretsManagerReader({ credentials: async () => TEST_CREDENTIALS, env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint } });
    expect(await fromEnv(AUDIENCE_ARN)).toBe(`${AUDIENCE}\n`);
    const noRegion = createSecretsManagerReader({ credentials: async () => TEST_CREDENTIALS, env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint } });
    await expect(noRegion('sibao/tongxu/action-secret')).rejects.toThrow(/AWS_REGION/);
  });
});

describe('resolveApiConfig / resolveDispatchConfig', () => {
  it('env wins: with ACTION_SECRET and OAUTH_AUDIENCE set, no secret is read even when the ARNs are set', async () => {
    const config = await resolveApiConfig({
      env: { ...lambdaEnv, ACTION_SECRET: `  ${KEY_OLD}  `, OAUTH_AUDIENCE: 'local-audience', PUBLIC_BASE_URL: 'https://sibao.tongxu.example/' },
      readSecret: reader(),
    });
    expect(config).toMatchObject({ actionSecrets: [KEY_OLD], audience: 'local-audience', publicBaseUrl: 'https://sibao.tongxu.example', tableName: 'sibao-tongxu' });
    expect(sm.requests).toEqual([]);
  });

  it('from the ARNs: the comma-separated action key list (rotation) and the audience, trimmed', async () => {
    const config = await resolveApiConfig({ env: lambdaEnv, readSecret: reader() });
    expect(config.actionSecrets).toEqual([KEY_NEW, KEY_OLD]);
    expect(config.audience).toBe(AUDIENCE);
    expect(config.bootstrapAdmins).toEqual(['it@tongxu.example']);
    expect(config.publicBaseUrl).toBeUndefined();
    expect(sm.requests.sort()).toEqual([ACTION_ARN, AUDIENCE_ARN].sort());
  });

  it('each ARN is read once for the life of the reader (cold start), however often config is resolved', async () => {
    const once = cachedSecretReader(reader());
    const [a, b] = await Promise.all([resolveApiConfig({ env: lambdaEnv, readSecret: once }), resolveApiConfig({ env: lambdaEnv, readSecret: once })]);
    const d = await resolveDispatchConfig({ env: { ...lambdaEnv, MAIL_FROM: 'sibao@mail.tongxu.example' }, readSecret: once });
    expect(a).toEqual(b);
    expect(d.actionSecrets).toEqual([KEY_NEW, KEY_OLD]);
    expect(sm.requests.filter((r) => r === ACTION_ARN)).toHaveLength(1);
    expect(sm.requests.filter((r) => r === AUDIENCE_ARN)).toHaveLength(1);
  });

  it('a failed read is not cached: the next cold-start attempt reads again', async () => {
    const once = cachedSecretReader(reader({ maxAttempts: 1 }));
    sm.failNext(1);
    await expect(once(ACTION_ARN)).rejects.toMatchObject({ code: 'InternalServiceError' });
    expect(await once(ACTION_ARN)).toBe(`${KEY_NEW},${KEY_OLD}`);
    expect(await once(ACTION_ARN)).toBe(`${KEY_NEW},${KEY_OLD}`);
    expect(sm.requests).toEqual([ACTION_ARN, ACTION_ARN]);
  });

  it('neither X nor X_ARN: a ConfigError naming both variables', async () => {
    const err = await resolveApiConfig({ env: { TABLE_NAME: 't', OAUTH_AUDIENCE: 'aud' }, readSecret: reader() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'config_missing' });
    expect((err as Error).message).toContain('ACTION_SECRET 或 ACTION_SECRET_ARN');
    const aud = await resolveSecretSetting('OAUTH_AUDIENCE', { env: {} }).catch((e: unknown) => e);
    expect((aud as Error).message).toMatch(/OAUTH_AUDIENCE 或 OAUTH_AUDIENCE_ARN/);
    expect(sm.requests).toEqual([]);
  });

  it('an action key from the secret shorter than 32 characters is refused', async () => {
    const short = await startSecretsManagerServer({ [ACTION_ARN]: 'too-short' });
    try {
      const r = createSecretsManagerReader({ endpoint: short.endpoint, credentials: async () => TEST_CREDENTIALS, env: {} });
      await expect(resolveApiConfig({ env: lambdaEnv, readSecret: r })).rejects.toThrow(/至少 32 个字符/);
    } finally {
      await short.stop();
    }
  });

  it('an _ARN without a reader is a clear error, not a silent empty value', async () => {
    await expect(resolveSecretSetting('ACTION_SECRET', { env: { ACTION_SECRET_ARN: ACTION_ARN } })).rejects.toThrow(/ACTION_SECRET_ARN/);
  });
});
