import { describe, expect, it } from 'vitest';
import { releaseOnce } from './release-once.ts';

describe('releaseOnce', () => {
  it('frees on the first call only, also when calls overlap', async () => {
    let frees = 0;
    const release = releaseOnce(async () => {
      frees += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await Promise.all([release(), release()]);
    await release();
    expect(frees).toBe(1);
  });

  it('passes the first failure on and does not retry a failed free', async () => {
    let calls = 0;
    const release = releaseOnce(() => {
      calls += 1;
      throw new Error('handle already gone');
    });
    await expect(release()).rejects.toThrow('handle already gone');
    await expect(release()).resolves.toBeUndefined();
    expect(calls).toBe(1);
  });
});
