import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Team access tokens: `es_<id>_<secret>`. The id (public, 12 hex chars) finds the record in O(1);
 * the secret (32 random bytes, base64url) never leaves the client: the server keeps only
 * SHA-256 of the whole token and compares hashes in constant time.
 */
const TOKEN_RE = /^es_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  id: string;
  /** The full bearer token; shown once, never stored. */
  token: string;
  /** Hex SHA-256 of `token`, what the store keeps. */
  hash: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function issueToken(): IssuedToken {
  const id = randomBytes(6).toString('hex');
  const token = `es_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashToken(token) };
}

/** The id inside a well-formed token, else undefined. */
export function tokenId(token: string): string | undefined {
  return TOKEN_RE.exec(token)?.[1];
}

/** Constant-time comparison of two hex digests (different lengths compare unequal). */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Constant-time equality of two secrets of any length (hashing first hides the length). */
export function secretsEqual(a: string, b: string): boolean {
  return hashesEqual(hashToken(a), hashToken(b));
}
