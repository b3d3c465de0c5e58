import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageVersion } from './version.ts';

const bin = new URL('../../bin/earshot.js', import.meta.url).pathname;

describe('earshot CLI', () => {
  it('prints its version', () => {
    const out = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(packageVersion());
  });

  it('prints help with the program name', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/Usage: earshot/);
  });

  it('exits non-zero on an unknown command', () => {
    expect(() => execFileSync(process.execPath, [bin, 'no-such-command'], { stdio: 'pipe' })).toThrow();
  });
});
