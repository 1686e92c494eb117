/** One plain-text email. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Email through the SMTP server named by a URL (nodemailer, loaded with the first message); undefined when no
 * URL is configured, so callers send nothing and nothing fails.
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer | undefined {
  if (!smtpUrl) return undefined;
  let transport: Promise<{ sendMail(options: Record<string, unknown>): Promise<unknown> }> | undefined;
  return {
    async send(message) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 } as Parameters<typeof nodemailer.createTransport>[0]));
      await (await transport).sendMail({ from, to: message.to.join(', '), subject: message.subject, text: message.text });
    },
  };
}
