import fp from 'fastify-plugin';
import { todayInVietnam } from '../../lib/dates.js';
import { dailyBackup } from './backups.service.js';

const HOUR = 60 * 60 * 1000;

/** While the server runs, once a day (checked hourly) a backup goes into DATA_DIR/backups; the newest BACKUP_KEEP stay. */
export default fp(
  async (app) => {
    if (!app.config.DAILY_BACKUPS) return;
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        const made = await dailyBackup(app.db, app.config.DATA_DIR, todayInVietnam(app.now()), app.config.BACKUP_KEEP);
        if (made) app.log.info(`Daily backup written: ${made}`);
      } catch (error) {
        app.log.error({ err: error }, 'daily backup failed');
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
  { name: 'backups-schedule', dependencies: ['db'] },
);
