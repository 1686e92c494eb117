import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import Fastify from 'fastify';
import { app, serverOptions } from './app.js';
import { loadConfig } from './config.js';
import { superviseWorkers, workerPart } from './workers.js';

// Behind the explicit modes on the data files: whatever else the server writes is private too (it may hold personal data).
process.umask(0o077);

const config = loadConfig();
// The command line refuses to restore a backup under a running server.
const pidFile = path.join(config.DATA_DIR, 'server.pid');

if (config.WORKERS > 1 && cluster.isPrimary) {
  superviseWorkers(config, pidFile);
} else {
  const part = workerPart();
  // Of several workers, only the first keeps the timers (the daily backup) and prints the setup link.
  const options = part
    ? { config: { ...config, DAILY_BACKUPS: config.DAILY_BACKUPS && part.first }, setup: { token: part.setupToken, announce: part.first } }
    : { config };
  const server = Fastify({ ...serverOptions(config), logger: { level: config.LOG_LEVEL } });

  await server.register(app, options);
  await server.ready();

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'server closing after an error');
    else server.log.info(`${signal} received, server closing`);
    await server.close();
    if (!part) fs.rmSync(pidFile, { force: true });
  });

  await server.listen({ port: config.PORT, host: config.HOST });
  if (!part) fs.writeFileSync(pidFile, String(process.pid));
}
