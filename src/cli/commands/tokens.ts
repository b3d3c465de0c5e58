import type { Command } from 'commander';
import { parseLifetime } from '../../serving/auth/token-lifetime.ts';
import { RedisTokenStore, type TokenRecord } from '../../serving/auth/redis-token-store.ts';
import { ClusterKeys } from '../../serving/cluster/cluster-keys.ts';
import { connectRedis } from '../../serving/cluster/redis-connection.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

interface StoreOptions {
  redisUrl: string;
  keyPrefix: string;
  json?: boolean;
}

async function withStore<T>(opts: StoreOptions, run: (store: RedisTokenStore) => Promise<T>): Promise<T> {
  const redis = await connectRedis({ url: opts.redisUrl, name: 'earshot-tokens' });
  try {
    return await run(new RedisTokenStore(redis, new ClusterKeys(opts.keyPrefix)));
  } finally {
    redis.disconnect();
  }
}

function when(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toISOString();
}

function state(r: TokenRecord, now: number): string {
  if (r.revokedAt) return 'revoked';
  if (r.expiresAt !== undefined && r.expiresAt <= now) return 'expired';
  return 'active';
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AsrError(ErrorCode.InvalidConfig, `expected an integer >= 0, got '${value}'`);
  return n;
}

/** `earshot tokens create|list|revoke`: team access tokens, stored hashed in the cluster's Redis. */
export function tokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('manage team access tokens (stored hashed in Redis)')
    .option('--redis-url <url>', 'Redis of the cluster', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--key-prefix <prefix>', 'prefix of every cluster key', process.env.EARSHOT_KEY_PREFIX ?? 'earshot:')
    .option('--json', 'machine-readable output');

  tokens
    .command('create')
    .description('create a token and print its secret once')
    .requiredOption('--name <name>', 'who the token is for')
    .option('--max-streams <n>', 'concurrent streams allowed (0 = unlimited)', positiveInt, 0)
    .option('--expires <lifetime>', 'lifetime: 30d, 12h, 45m, 90s, 2w or never', 'never')
    .action(async (opts: { name: string; maxStreams: number; expires: string }) => {
      const global = tokens.opts<StoreOptions>();
      const lifetimeMs = parseLifetime(opts.expires);
      const { record, token } = await withStore(global, (s) => s.create({ name: opts.name, maxStreams: opts.maxStreams, lifetimeMs }));
      if (global.json) {
        process.stdout.write(`${JSON.stringify({ id: record.id, name: record.name, maxStreams: record.maxStreams, expiresAt: record.expiresAt ?? null, token })}\n`);
        return;
      }
      process.stdout.write(
        `id:          ${record.id}\nname:        ${record.name}\nmax streams: ${record.maxStreams || 'unlimited'}\nexpires:     ${when(record.expiresAt)}\n` +
          `token:       ${token}\n\nThe token is shown only now; only its SHA-256 is stored.\n`,
      );
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const global = tokens.opts<StoreOptions>();
      const now = Date.now();
      const rows = await withStore(global, async (s) => Promise.all((await s.list()).map(async (r) => ({ r, live: await s.activeStreams(r.id, now) }))));
      if (global.json) {
        const out = rows.map(({ r, live }) => ({ id: r.id, name: r.name, maxStreams: r.maxStreams, createdAt: r.createdAt, expiresAt: r.expiresAt ?? null, revokedAt: r.revokedAt ?? null, state: state(r, now), activeStreams: live }));
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      process.stdout.write('ID            STATE    STREAMS  EXPIRES                   NAME\n');
      for (const { r, live } of rows) {
        const streams = `${live}/${r.maxStreams || '∞'}`;
        process.stdout.write(`${r.id}  ${state(r, now).padEnd(7)}  ${streams.padEnd(7)}  ${when(r.expiresAt).padEnd(24)}  ${r.name}\n`);
      }
    });

  tokens
    .command('revoke')
    .description('revoke a token: its handshakes are refused with 403 from now on')
    .argument('<id>', 'token id (from `tokens list`)')
    .action(async (id: string) => {
      const global = tokens.opts<StoreOptions>();
      const done = await withStore(global, (s) => s.revoke(id));
      if (!done) throw new AsrError(ErrorCode.InvalidConfig, `no token with id ${id}`);
      process.stdout.write(global.json ? `${JSON.stringify({ id, revoked: true })}\n` : `revoked ${id}\n`);
    });
}
