import { secretsEqual } from './access-token.ts';
import { UnauthorizedError } from './auth-errors.ts';
import { presentedToken, type HandshakeAuthenticator, type HandshakeRequest, type Principal } from './handshake-auth.ts';

/** One shared secret (the desktop gateway's per-launch token), compared in constant time. */
export class StaticTokenAuthenticator implements HandshakeAuthenticator {
  constructor(
    private readonly secret: string,
    private readonly principal: Principal = { id: 'local', name: 'local', maxStreams: 0 },
  ) {
    if (secret.length < 16) throw new RangeError('a static token needs at least 16 characters');
  }

  async authenticate(request: HandshakeRequest): Promise<Principal> {
    const token = presentedToken(request);
    if (token === undefined) throw new UnauthorizedError('missing token');
    if (!secretsEqual(token, this.secret)) throw new UnauthorizedError('invalid token');
    return this.principal;
  }
}
