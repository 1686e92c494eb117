/** An origin no request can have: a value is a local path exactly when parsing it against this keeps the origin. */
const LOCAL_ORIGIN = 'https://local.invalid';

/**
 * A path on this site to return to after signing in or switching language (never an open redirect), or the
 * fallback. The value must start with one slash and hold no control character, whitespace or backslash, and
 * must not start with `//` even once percent-decoded; the answer is the URL parser's own normalised path,
 * query and fragment (non-ASCII percent-encoded), so a browser reads it exactly as it was checked.
 */
export function localPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000 || value[0] !== '/') return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u00a0\\\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, LOCAL_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== LOCAL_ORIGIN || url.username || url.password) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  // Encoded slashes and backslashes, or a path that decodes to `//host`, are never part of an app URL.
  // eslint-disable-next-line no-control-regex
  if (/%2f|%5c/i.test(url.pathname) || decoded.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(decoded)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
