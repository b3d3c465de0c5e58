import { describe, expect, it } from 'vitest';
import { hashToken, hashesEqual, issueToken, secretsEqual, tokenId } from './access-token.ts';
import { parseLifetime } from './token-lifetime.ts';

describe('access tokens', () => {
  it('issues distinct high-entropy tokens whose id can be read back and whose hash matches', () => {
    const a = issueToken();
    const b = issueToken();
    expect(a.token).not.toBe(b.token);
    expect(tokenId(a.token)).toBe(a.id);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token.slice(16));
    expect(hashesEqual(a.hash, hashToken(a.token))).toBe(true);
    expect(hashesEqual(a.hash, b.hash)).toBe(false);
  });

  it('rejects malformed tokens and unequal lengths', () => {
    expect(tokenId('es_123_abc')).toBeUndefined();
    expect(tokenId('Bearer x')).toBeUndefined();
    expect(hashesEqual('abcd', 'abcdef')).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
    expect(secretsEqual('a-long-secret-value', 'a-long-secret-value')).toBe(true);
    expect(secretsEqual('a-long-secret-value', 'a-long-secret-valuf')).toBe(false);
  });

  it('parses lifetimes', () => {
    expect(parseLifetime('30d')).toBe(30 * 86_400_000);
    expect(parseLifetime('90s')).toBe(90_000);
    expect(parseLifetime('never')).toBeUndefined();
    expect(() => parseLifetime('30 days')).toThrow(/ASR_ERR|lifetime/);
    expect(() => parseLifetime('0d')).toThrow();
  });
});
