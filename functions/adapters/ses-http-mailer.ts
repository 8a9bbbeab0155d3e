// The Mailer port on the SES v2 HTTP API (`POST /v2/email/outbound-emails`), signed with AWS
// Signature V4 by hand (node:crypto): the same mail as ses-mailer.ts without the SES SDK client, which
// keeps the web function's bundle under 400 KB (the SDK client and its XML codec are ~28 KB minified).
// Credentials and region come from the Lambda environment; `endpoint` points at the local emulator.
// Our own checks (addresses, recipients) are permanent (MailError); an SES error answer and network
// errors are transient (retried by the delivery path), as with the SDK mailer.
import { createHash, createHmac } from 'node:crypto';
import { isValidEmail, MailError, type Mailer, type OutgoingMail } from '../ports.js';
import { isValidFrom, MAX_RECIPIENTS } from './ses-mailer.js';

export interface SesHttpMailerOptions {
  from: string;
  configurationSet?: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Base URL instead of `https://email.<region>.amazonaws.com` (the local emulator). */
  endpoint?: string;
  timeoutMs?: number;
}

const sha256hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Signature V4 headers of one request (service `ses`). */
export function signV4(
  req: { method: string; host: string; path: string; body: string; headers: Record<string, string>; query?: string },
  opts: { region: string; service: string; credentials: SesHttpMailerOptions['credentials']; now: Date },
): Record<string, string> {
  const amzDate = opts.now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, host: req.host, 'x-amz-date': amzDate };
  if (opts.credentials.sessionToken) headers['x-amz-security-token'] = opts.credentials.sessionToken;
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const signed = names.join(';');
  const canonical = [req.method, req.path, req.query ?? '', ...names.map((n) => `${n}:${lower[n]}`), '', signed, sha256hex(req.body)].join('\n');
  const scope = `${day}/${opts.region}/${opts.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${opts.credentials.secretAccessKey}`, day), opts.region), opts.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${opts.credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}` };
}

export function createSesHttpMailer(opts: SesHttpMailerOptions): Mailer {
  if (!isValidFrom(opts.from)) throw new MailError('invalid_from', `发件地址「${opts.from}」无效`);
  const base = new URL(opts.endpoint ?? `https://email.${opts.region}.amazonaws.com`);
  const path = '/v2/email/outbound-emails';
  return {
    async send(msg: OutgoingMail) {
      if (msg.to.length === 0) throw new MailError('invalid_address', '没有收件人');
      if (msg.to.length > MAX_RECIPIENTS) throw new MailError('too_many_recipients', `一封邮件最多 ${MAX_RECIPIENTS} 个收件人，本次 ${msg.to.length} 个`);
      const bad = msg.to.filter((a) => !isValidEmail(a));
      if (bad.length > 0) throw new MailError('invalid_address', `收件地址无效：${bad.join('、')}`);
      const body = JSON.stringify({
        FromEmailAddress: opts.from.trim(),
        Destination: { ToAddresses: msg.to },
        Content: {
          Simple: {
            Subject: { Data: msg.subject.replace(/[\r\n]+/g, ' '), Charset: 'UTF-8' },
            Body: { Html: { Data: msg.html, Charset: 'UTF-8' }, Text: { Data: msg.text, Charset: 'UTF-8' } },
          },
        },
        ...(opts.configurationSet ? { ConfigurationSetName: opts.configurationSet } : {}),
      });
      const headers = signV4(
        { method: 'POST', host: base.host, path, body, headers: { 'content-type': 'application/json' } },
        { region: opts.region, service: 'ses', credentials: opts.credentials, now: new Date() },
      );
      delete headers.host;
      const res = await fetch(new URL(path, base), { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      const text = await res.text();
      if (res.ok) {
        try {
          return { messageId: String((JSON.parse(text) as { MessageId?: string }).MessageId ?? '') };
        } catch {
          return { messageId: '' };
        }
      }
      // As the SDK mailer does: an SES error is transient for the delivery path (retried with backoff).
      const type = (res.headers.get('x-amzn-errortype') ?? '').split(':')[0] || 'SesError';
      const err = new Error(`SES ${res.status} ${type}: ${text.slice(0, 200)}`);
      err.name = type;
      throw err;
    },
  };
}

/** The mailer from the Lambda environment (AWS_REGION and the execution role's credentials). */
export function sesHttpMailerFromEnv(env: Record<string, string | undefined>, from: string, configurationSet?: string): Mailer {
  return createSesHttpMailer({
    from,
    configurationSet,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: env.AWS_SESSION_TOKEN },
  });
}
