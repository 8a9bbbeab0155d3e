// Bundle-only replacement for `@aws-sdk/credential-provider-node` (aliased in bundle-options.ts):
// inside Lambda the runtime always puts the execution role's credentials in the environment, so the
// full default chain (SSO, INI files, IMDS, STS web identity and their nested clients, ~100 KB) is
// dead weight at init. Local runs and tests do not use this file: they get the SDK's real chain.
interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class MissingCredentialsError extends Error {
  constructor() {
    super('AWS credentials are not in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
    this.name = 'CredentialsProviderError';
  }
}

export function defaultProvider(_init?: unknown): () => Promise<AwsCredentialIdentity> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new MissingCredentialsError();
    return {
      accessKeyId,
      secretAccessKey,
      ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    };
  };
}
