import type { FastifyInstance } from 'fastify';
import { healthRepository } from './health.repository.js';

/** GET /healthz: 200 only after a real query of the database succeeds. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const database = healthRepository(app.db);

  /** A constant answer with no database work: the framework's floor, used as the benchmarks' baseline. */
  app.get('/ping', { config: { public: true } }, async (_request, reply) => reply.header('Cache-Control', 'no-store').type('text/plain').send('pong'));

  app.get('/healthz', { config: { public: true } }, async (request, reply) => {
    try {
      database.probe();
      return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.code(503).header('Cache-Control', 'no-store').send({ status: 'unavailable' });
    }
  });
}
