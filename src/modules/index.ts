import type { FastifyInstance } from 'fastify';
import healthRoutes from './health/health.routes.js';
import homeRoutes from './home/home.routes.js';
import roundsRoutes from './rounds/rounds.routes.js';

/** Every feature module and its URL prefix, in one visible list. */
export default async function modules(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(roundsRoutes, { prefix: '/rounds' });
}
