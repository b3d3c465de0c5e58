import { ForbiddenError } from './auth-errors.ts';
import type { HandshakeAuthenticator, HandshakeRequest, Principal } from './handshake-auth.ts';

/**
 * Refuses browser handshakes from origins not on the list (403), then asks the inner
 * authenticator. Requests without an Origin header (non-browser clients) pass to the inner check:
 * the Origin header only protects users' browsers from other sites, it authenticates nobody.
 */
export class OriginAllowList implements HandshakeAuthenticator {
  private readonly allowed: Set<string>;

  constructor(
    origins: readonly string[],
    private readonly inner: HandshakeAuthenticator,
  ) {
    this.allowed = new Set(origins.map(normalize));
  }

  async authenticate(request: HandshakeRequest): Promise<Principal> {
    const origin = request.headers.origin;
    if (typeof origin === 'string' && !this.allowed.has('*') && !this.allowed.has(normalize(origin))) {
      throw new ForbiddenError(`origin ${origin} not allowed`);
    }
    return this.inner.authenticate(request);
  }
}

function normalize(origin: string): string {
  if (origin === '*') return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}
