import fp from 'fastify-plugin';
import { createMailer } from '../../lib/mailer.js';
import { reminderTick } from './periodic-reports.reminders.js';

const HOUR = 60 * 60 * 1000;

/**
 * While the server runs, once an hour, reminders about periodic reports due in 5 days or overdue since yesterday
 * go to the responsible heads (each once: the log claims it before sending). Without SMTP_URL nothing runs.
 */
export default fp(
  async (app) => {
    const mailer = createMailer(app.config.SMTP_URL, app.config.MAIL_FROM);
    if (!mailer) return;
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        const { sent, failed } = await reminderTick({ service: app.services.periodicReports, catalog: app.catalog, mailer }, app.now());
        if (sent || failed) app.log.info(`Report reminders: ${sent} sent, ${failed} failed`);
      } catch (error) {
        app.log.error({ err: error }, 'report reminders failed');
      } finally {
        running = false;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      void run();
      timer = setInterval(() => void run(), HOUR);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'periodic-reports-schedule', dependencies: ['db'] },
);
