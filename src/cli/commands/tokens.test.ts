import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test-support/redis-server.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/earshot.js', import.meta.url).pathname;

describe('earshot tokens', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  const earshot = async (...args: string[]) => (await run(process.execPath, [bin, 'tokens', '--redis-url', server.url, ...args], { encoding: 'utf8' })).stdout;

  it('creates (secret printed once), lists without secrets, and revokes', async () => {
    const created = JSON.parse(await earshot('--json', 'create', '--name', 'team-x', '--max-streams', '3', '--expires', '30d'));
    expect(created.token).toMatch(/^es_[0-9a-f]{12}_/);
    expect(created.maxStreams).toBe(3);
    expect(created.expiresAt - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const human = await earshot('list');
    expect(human).toContain(created.id);
    expect(human).toContain('team-x');
    expect(human).not.toContain(created.token);

    expect(await earshot('revoke', created.id)).toContain(`revoked ${created.id}`);
    const listed = JSON.parse(await earshot('--json', 'list'));
    expect(listed.find((t: { id: string }) => t.id === created.id).state).toBe('revoked');
  }, 180_000); // four CLI processes (tsx start-up each) on a busy 2-core box

  it('fails with a coded error for bad input', async () => {
    await expect(earshot('create', '--name', 'x', '--expires', 'soon')).rejects.toMatchObject({ stderr: expect.stringContaining('ASR_ERR_INVALID_CONFIG') });
    await expect(earshot('revoke', 'ffffffffffff')).rejects.toMatchObject({ stderr: expect.stringContaining('ASR_ERR_INVALID_CONFIG') });
  }, 180_000);
});
