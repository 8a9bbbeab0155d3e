// The Mailer port on Amazon SES (v1 SendEmail). Addresses are validated here: the local emulator
// accepts malformed ones, SES would not. Clients get timeouts (the emulator never answers actions
// it does not know).
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { isValidEmail, MailError, type Mailer, type OutgoingMail } from '../ports.js';

export const MAX_RECIPIENTS = 50;

/** `Name <addr>` or `addr`: the address part must be valid and the name free of control characters. */
export function isValidFrom(from: string): boolean {
  const m = /^(?:([^<>\r\n]*?)\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(from.trim());
  if (!m) return false;
  return isValidEmail(m[2] ?? m[3]);
}

export interface SesMailerOptions {
  client: SESClient;
  from: string;
  configurationSet?: string;
}

/** An SES client with timeouts (region/credentials from the environment unless given). */
export function createSesClient(opts: { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): SESClient {
  return new SESClient({
    ...opts,
    maxAttempts: 2,
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
  });
}

function encodeFrom(from: string): string {
  // A non-ASCII display name must be MIME-encoded in the Source header.
  const m = /^([^<>]*?)\s*<([^<>\s]+)>$/.exec(from.trim());
  if (!m || /^[\x20-\x7e]*$/.test(m[1])) return from.trim();
  return `=?UTF-8?B?${Buffer.from(m[1], 'utf8').toString('base64')}?= <${m[2]}>`;
}

export function createSesMailer({ client, from, configurationSet }: SesMailerOptions): Mailer {
  if (!isValidFrom(from)) throw new MailError('invalid_from', `发件地址「${from}」无效`);
  const source = encodeFrom(from);
  return {
    async send(msg: OutgoingMail) {
      if (msg.to.length === 0) throw new MailError('invalid_address', '没有收件人');
      if (msg.to.length > MAX_RECIPIENTS) throw new MailError('too_many_recipients', `一封邮件最多 ${MAX_RECIPIENTS} 个收件人，本次 ${msg.to.length} 个`);
      const bad = msg.to.filter((a) => !isValidEmail(a));
      if (bad.length > 0) throw new MailError('invalid_address', `收件地址无效：${bad.join('、')}`);
      const res = await client.send(
        new SendEmailCommand({
          Source: source,
          Destination: { ToAddresses: msg.to },
          Message: {
            Subject: { Data: msg.subject.replace(/[\r\n]+/g, ' '), Charset: 'UTF-8' },
            Body: { Html: { Data: msg.html, Charset: 'UTF-8' }, Text: { Data: msg.text, Charset: 'UTF-8' } },
          },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      return { messageId: res.MessageId ?? '' };
    },
  };
}
