import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../test-support/free-port.ts';

export interface EarshotServer {
  /** http://127.0.0.1:PORT/ — the web UI. */
  httpUrl: string;
  /** ws://127.0.0.1:PORT/v1/listen */
  wsUrl: string;
  process: ChildProcess;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const repoRoot = new URL('..', import.meta.url).pathname;

/** Starts `node bin/earshot.js serve` on a free port and waits until /readyz says it is ready. */
export async function startEarshotServe(args: string[], { readyTimeoutMs = 90_000 } = {}): Promise<EarshotServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/earshot.js', 'serve', '--host', '127.0.0.1', '--port', String(port), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpUrl = `http://127.0.0.1:${port}/`;
  const server: EarshotServer = {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/v1/listen`,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`earshot serve exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(new URL('/readyz', httpUrl));
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`earshot serve was not ready after ${readyTimeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
