// One structured JSON logger for every function, created at module scope (Powertools). Never log a
// bearer token, an action token, a secret or a mail body; log ids, codes and counts.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'sibao' });

/** A short, safe description of an unknown error: its name and code, never the full object. */
export function errorInfo(err: unknown): { name: string; code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, ...(typeof code === 'string' ? { code } : {}), message: err.message.slice(0, 300) };
  }
  return { name: 'NonError', message: String(err).slice(0, 300) };
}
