import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectPath } from '../lib/project-root.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The URL of a static file under its content-hashed name, e.g. asset('css/app.css') → /static/css/app.3f2a91c0.css. */
    asset(name: string): string;
    /** Every static file's content-hashed URL (what a service worker keeps for working offline). */
    assetUrls(): string[];
  }
}

const require = createRequire(import.meta.url);
const packageFile = (name: string, file: string) => path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Everything under static/, plus the pinned htmx and Pico CSS from node_modules: nothing comes from a CDN. */
const staticDir = projectPath('static');
const vendored: Record<string, string> = {
  'vendor/htmx/htmx.min.js': packageFile('htmx.org', 'dist/htmx.min.js'),
  'vendor/pico/pico.min.css': packageFile('@picocss/pico', 'css/pico.min.css'),
  // IndexedDB with promises, for the pages and the service worker (its UMD build defines self.idb).
  'vendor/idb/idb.js': packageFile('idb', 'build/umd.js'),
  // The service worker's loader and the modules it loads by their plain names (workbox.setConfig modulePathPrefix).
  'vendor/workbox/workbox-sw.js': packageFile('workbox-sw', 'build/workbox-sw.js'),
  ...Object.fromEntries(
    ['core', 'precaching', 'routing', 'strategies'].map((module) => [`vendor/workbox/workbox-${module}.prod.js`, packageFile(`workbox-${module}`, `build/workbox-${module}.prod.js`)]),
  ),
};

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
/** Text compresses; images and fonts already are compressed. */
const compressible = new Set(['.css', '.js', '.svg', '.json', '.txt', '.ico']);
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * Headers that only mean something on a document: a stylesheet or script answer goes without them (about 0.6 KB
 * each, on every first visit over a weak link). nosniff and the resource policy stay.
 */
const documentOnlyHeaders = ['content-security-policy', 'cross-origin-opener-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'];

interface Asset {
  source: string;
  mtimeMs: number;
  /** The name with the first 8 hex digits of its SHA-256 before the extension: css/app.3f2a91c0.css. */
  hashedName: string;
  type: string;
  etag: string;
  body: Buffer;
  /** Compressed once, off the event loop (brotli at its best quality, gzip at 9), when the file is read. */
  encoded: { br: Promise<Buffer>; gzip: Promise<Buffer> } | null;
}

function readAsset(name: string, source: string): Asset {
  const body = fs.readFileSync(source);
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 8);
  const extension = path.extname(name);
  const worthCompressing = compressible.has(extension) && body.length > 200;
  const encoded = worthCompressing
    ? {
        br: brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        gzip: gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }),
      }
    : null;
  // Never an unhandled rejection: a failed compression falls back to the file as it is (see send).
  encoded?.br.catch(() => undefined);
  encoded?.gzip.catch(() => undefined);
  return {
    source,
    mtimeMs: fs.statSync(source).mtimeMs,
    hashedName: `${name.slice(0, name.length - extension.length)}.${hash}${extension}`,
    type: types[extension] ?? 'application/octet-stream',
    etag: `"${hash}"`,
    body,
    encoded,
  };
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : entry.isFile() && !entry.name.startsWith('.') ? [`${prefix}${entry.name}`] : [],
  );
}

/** The encoding to send: brotli if the browser takes it, else gzip, else none (q=0 refuses one). */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [token, ...params] = part.split(';').map((piece) => piece.trim());
    const q = params.find((param) => param.startsWith('q='));
    if (token && !(q && Number(q.slice(2)) === 0)) accepted.add(token);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('x-gzip') || accepted.has('*')) return 'gzip';
  return null;
}

/**
 * Static files held in memory and sent precompressed. Pages link them by their content-hashed name (from
 * `app.asset`), cached for a year and never asked for again; a new version has a new name. The plain name
 * still answers (for the self-contained 400 page and old bookmarks), revalidated on each use. A hash that is
 * not the current one is a 404: pages are never cached, so only a page loaded before a restart can name one,
 * and sending it the new file instead could pair new code with old markup. In development a file's hash is
 * recomputed when it changes on disk, so an edited stylesheet shows on the next page load.
 */
export default fp(
  async (app) => {
    const watchFiles = app.config.NODE_ENV !== 'production';
    const assets = new Map<string, Asset>();
    const byHashedName = new Map<string, string>();

    function load(name: string, source: string): Asset {
      const asset = readAsset(name, source);
      const previous = assets.get(name);
      if (previous) byHashedName.delete(previous.hashedName);
      assets.set(name, asset);
      byHashedName.set(asset.hashedName, name);
      return asset;
    }
    function loadAll(): void {
      for (const name of listFiles(staticDir)) if (!assets.has(name)) load(name, path.join(staticDir, name));
      for (const [name, source] of Object.entries(vendored)) if (!assets.has(name)) load(name, source);
    }
    /** The current version of a file (in development, re-read if it changed on disk). */
    function current(name: string): Asset | undefined {
      const asset = assets.get(name);
      if (!asset || !watchFiles) return asset;
      try {
        return fs.statSync(asset.source).mtimeMs === asset.mtimeMs ? asset : load(name, asset.source);
      } catch {
        return asset;
      }
    }
    loadAll();

    app.decorate('asset', (name: string) => {
      let asset = current(name);
      if (!asset && watchFiles) {
        loadAll();
        asset = current(name);
      }
      if (!asset) throw new Error(`No static file ${name}`);
      return `/static/${asset.hashedName}`;
    });

    app.decorate('assetUrls', () => {
      if (watchFiles) loadAll();
      return [...assets.keys()].map((name) => `/static/${current(name)!.hashedName}`);
    });

    async function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) {
      reply.header('Content-Type', asset.type).header('Cache-Control', cacheControl).header('ETag', asset.etag).header('Vary', 'Accept-Encoding');
      if (asset.type.startsWith('text/css') || asset.type.startsWith('text/javascript')) for (const name of documentOnlyHeaders) reply.removeHeader(name);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      const encoding = asset.encoded ? preferredEncoding(request.headers['accept-encoding']) : null;
      const body = encoding ? await asset.encoded![encoding].catch(() => null) : null;
      if (encoding && body) reply.header('Content-Encoding', encoding);
      return reply.send(body ?? asset.body);
    }

    app.get('/static/*', { config: { public: true }, compress: false }, async (request, reply) => {
      const requested = (request.params as { '*': string })['*'];
      const hashedFor = byHashedName.get(requested);
      const asset = hashedFor === undefined ? undefined : current(hashedFor);
      if (asset?.hashedName === requested) return send(request, reply, asset, IMMUTABLE);
      const plain = current(requested);
      if (plain) return send(request, reply, plain, 'no-cache');
      return reply.callNotFound();
    });
  },
  { name: 'static', dependencies: ['db'] },
);
