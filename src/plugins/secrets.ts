import fp from 'fastify-plugin';
import { nowIso } from '../lib/dates.js';
import { secretsRepository } from '../modules/auth/secrets.repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    secrets: {
      /** Binds form tokens to the session they were made in. */
      csrfKey: string;
    };
  }
}

/** Server secrets, kept in the database so they survive restarts and backups restore them. */
export default fp(
  async (app) => {
    const repository = secretsRepository(app.db);
    app.decorate('secrets', { csrfKey: repository.getOrCreate('csrf', nowIso(app.now())) });
  },
  { name: 'secrets', dependencies: ['db'] },
);
