import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { searchKey } from '../lib/text.js';

const parameters = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const keyLength = 32;
export const MIN_PASSWORD_LENGTH = 10;

/** A check of a signed-in person's current password, limited like a sign-in. */
export type PasswordCheck = { outcome: 'ok' } | { outcome: 'wrong' } | { outcome: 'locked'; retryAfterSeconds: number };

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes with Node's scrypt (memory-hard); the parameters are stored with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, parameters);
  return ['scrypt', parameters.N, parameters.r, parameters.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: parameters.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password, so a failed sign-in for an unknown email takes as long as for a known one. */
export const decoyHash = hashPassword(randomBytes(16).toString('hex'));

/** Words Vietnamese passwords are often made of, on top of the estimator's common-password lists. */
const localWords = [
  'matkhau', 'mat khau', 'anhyeuem', 'emyeuanh', 'yeuem', 'yeuanh', 'vietnam', 'hanoi', 'saigon', 'sonla', 'songma', 'bacyen',
  'nguyen', 'tran', 'pham', 'hoang', 'phan', 'huynh', 'dang', 'bui', 'ngo', 'duong', 'xinchao', 'chaoban', 'phongchong',
  'muabannguoi', 'congan', 'bienphong', 'kiemtra', 'quantri', 'admin', 'laodong',
];
let estimator: typeof import('@zxcvbn-ts/core').zxcvbn | null = null;

/** The estimator with its dictionaries, loaded on first use (they are large and only account forms need them). */
async function strengthEstimator() {
  if (!estimator) {
    const [{ zxcvbn, zxcvbnOptions }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary, local: localWords }, graphs: common.adjacencyGraphs });
    estimator = zxcvbn;
  }
  return estimator;
}

/**
 * Whether a password is too easy to guess: a common password, a keyboard or number run, or made of the
 * person's own email or name (with or without diacritics). Scores below 3 of 4 are refused.
 */
export async function isGuessable(password: string, personal: string[]): Promise<boolean> {
  const zxcvbn = await strengthEstimator();
  const plain = (text: string) => searchKey(text).replace(/\s+/g, '');
  // The whole value, an email's local part, each without diacritics or separators, and their words.
  const values = personal.flatMap((value) => [value, value.split('@')[0]!]);
  const inputs = values.flatMap((value) => [value, plain(value), plain(value).replace(/[^a-z0-9]/g, ''), ...searchKey(value).split(/[^a-z0-9]+/)]).filter((word) => word.length >= 3);
  if (madeOfKnownWords(password, values)) return true;
  const candidates = new Set([password.normalize('NFC'), searchKey(password)]);
  return [...candidates].some((candidate) => zxcvbn(candidate.slice(0, 100), inputs).score < 3);
}

/**
 * Whether a password is only the person's own name and email words (the province's name is in most emails),
 * in any order, with digits and punctuation around them ("Phạm Minh Tuấn 1990", "tuan.pham@sonla"): the estimator scores
 * such phrases by length, but anyone who knows the person tries them first.
 */
function madeOfKnownWords(password: string, personal: string[]): boolean {
  const words = new Set(personal.flatMap((value) => searchKey(value).split(/[^a-z0-9]+/)));
  const known = [...words].filter((word) => word.length >= 2 && !/^\d+$/.test(word)).sort((a, b) => b.length - a.length);
  let letters = searchKey(password).replace(/[^a-z]/g, '');
  for (const word of known) letters = letters.split(word).join('');
  return letters.length < 4;
}
