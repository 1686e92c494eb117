import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { DELIVERY_TIMEOUT_MS, RESPONSE_BODY_LIMIT } from './webhooks.events.js';
import { isLocalHostName, isPrivateAddress } from './webhooks.address.js';

/** `sha256=` and the hex HMAC-SHA256, keyed with the endpoint's secret, of "<timestamp>.<body>". */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface PostResult {
  /** The answer's status; null when none came (refused, timed out, address not allowed). */
  statusCode: number | null;
  /** The first RESPONSE_BODY_LIMIT characters of the answer. */
  body: string;
  error: string;
}

export class AddressNotAllowedError extends Error {}

/** Resolves a host name as usual, and refuses it when any address it has is on this machine or a private network. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((entry) => isPrivateAddress(entry.address));
    if (refused || list.length === 0) return callback(new AddressNotAllowedError(`address not allowed: ${refused?.address ?? hostname}`), '', 4);
    if (options.all) return (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};

/**
 * POSTs a body and reads the start of the answer. Redirects are not followed (a 3xx is an answer like any
 * other, and fails the attempt); an answer that has not finished within 10 s is given up.
 */
export function postJson(url: string, headers: Record<string, string>, body: string, options: { allowPrivate: boolean; signal?: AbortSignal }): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    // Set once the request is made; a refusal before that has no timer to clear.
    const deadline: { timer?: NodeJS.Timeout } = {};
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline.timer);
      resolve(result);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish({ statusCode: null, body: '', error: 'invalid URL' });
    }
    if (!options.allowPrivate && (isLocalHostName(target.hostname) || isPrivateAddress(target.hostname))) {
      return finish({ statusCode: null, body: '', error: `address not allowed: ${target.hostname}` });
    }
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'pcmbn-webhooks/1', ...headers },
        ...(options.allowPrivate || isIP(target.hostname.replace(/^\[|\]$/g, '')) ? {} : { lookup: publicOnlyLookup }),
        signal: options.signal,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => finish({ statusCode: response.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_BODY_LIMIT), error: '' });
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT * 4) chunks.push(chunk);
          size += chunk.length;
          // Enough to show: the rest of a long answer is not waited for.
          if (size >= RESPONSE_BODY_LIMIT * 4) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      },
    );
    deadline.timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`));
    }, DELIVERY_TIMEOUT_MS);
    request.on('error', (error) => finish({ statusCode: null, body: '', error: error.message.slice(0, 300) }));
    request.end(body);
  });
}
