import path from 'node:path';
import { createRequire } from 'node:module';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { projectPath } from '../lib/project-root.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** Serves the app's own assets and the pinned htmx and Pico CSS from node_modules: nothing comes from a CDN. */
export default fp(
  async (app) => {
    const maxAge = app.config.NODE_ENV === 'production' ? '1d' : 0;
    await app.register(fastifyStatic, { root: projectPath('static'), prefix: '/static/', maxAge, index: false });
    await app.register(fastifyStatic, {
      root: path.join(packageDir('htmx.org'), 'dist'),
      prefix: '/static/vendor/htmx/',
      decorateReply: false,
      maxAge,
      allowedPath: (pathName) => pathName === '/htmx.min.js',
    });
    await app.register(fastifyStatic, {
      root: path.join(packageDir('@picocss/pico'), 'css'),
      prefix: '/static/vendor/pico/',
      decorateReply: false,
      maxAge,
      allowedPath: (pathName) => pathName === '/pico.min.css',
    });
  },
  { name: 'static', dependencies: ['db'] },
);
