import compress from '@fastify/compress';
import fp from 'fastify-plugin';

/**
 * Pages, fragments, CSV and JSON sent with brotli or gzip, whichever the browser takes (with `Vary:
 * Accept-Encoding`): a page is a fifth of its size on a weak 3G link. Brotli at quality 4 costs about what gzip
 * does per request; static files are compressed once at their best instead (see static.ts). Streams (CSV
 * exports) are compressed as they flow, never gathered in memory. Files already compressed (XLSX, PDF, images,
 * backups) are sent as they are: their types are not in the list.
 */
export const COMPRESSIBLE = /^(?:text\/(?:html|css|csv|plain|javascript)|application\/(?:json|javascript|xml)|image\/svg\+xml)(?:;|$)/;

export default fp(
  async (app) => {
    // Answers only: compressed request bodies are refused as before (no form is sent compressed, and inflating
    // what a client sends is one more way to make the server do work).
    await app.register(compress, { encodings: ['br', 'gzip'], customTypes: COMPRESSIBLE, threshold: 1024, globalDecompression: false });
  },
  { name: 'compress' },
);
