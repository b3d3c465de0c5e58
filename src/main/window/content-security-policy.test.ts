import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy.ts';

/** Directive name → its sources, as a browser splits a policy. */
function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...sources]) => [name, sources.join(' ')]),
  );
}

// The page served by `earshot serve` (web mode) has only its meta tag: no header adds to it.
const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
const metaPolicy = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];

describe('content security policy', () => {
  it('allows only our own scripts, no plugins, no base or form targets, no framing', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('form-action')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it("the renderer's meta tag carries the same policy (web mode has nothing else)", () => {
    expect(metaPolicy).toBeDefined();
    const header = directives(contentSecurityPolicy());
    // Browsers ignore frame-ancestors in a meta tag; the desktop app sends it as a header.
    header.delete('frame-ancestors');
    expect(directives(metaPolicy!)).toEqual(header);
  });
});
