import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../test-support/free-port.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The CLI each scenario starts: bin/earshot.js (through tsx), or EARSHOT_CLI, a bundled build (bench/gpu). */
const EARSHOT = process.env.EARSHOT_CLI ? resolve(process.env.EARSHOT_CLI) : resolve(REPO_ROOT, 'bin', 'earshot.js');

/** A server under test: a fresh child process of the `earshot` CLI on its own port. */
export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** The line the server printed when it was ready (model, provider, workers, capacity). */
  banner: string;
  /** Exit code if the process has ended (crashed or stopped). */
  exitCode(): number | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** CLI arguments after `earshot`, e.g. ['serve', '--model', dir]; `--port` is added. */
  args: string[];
  /** Printed line that means "ready"; its first capture (a ws:// URL), if any, is the URL. */
  readyPattern?: RegExp;
  /** The flag that takes the free port (`earshot worker` has --metrics-port). */
  portFlag?: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the child's stderr goes (its logs); default ignored. */
  onStderr?: (line: string) => void;
}

/** Starts `earshot <args> --port P` and resolves once it printed its listening line. */
export async function startEarshot(opts: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [EARSHOT, ...opts.args, opts.portFlag ?? '--port', String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pattern = opts.readyPattern ?? /listening on (ws:\/\/\S+)/;
  let stderrTail = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    if (opts.onStderr) for (const line of chunk.split('\n')) if (line) opts.onStderr(line);
  });
  const banner = await new Promise<string>((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`earshot ${opts.args.join(' ')} did not start within ${opts.startTimeoutMs ?? 300_000} ms\n${stderrTail}`));
    }, opts.startTimeoutMs ?? 300_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolvePromise(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`earshot ${opts.args.join(' ')} exited with ${code} before it was ready\n${stderrTail}`));
    });
  });
  const url = pattern.exec(banner)?.[1] ?? `ws://127.0.0.1:${port}/v1/listen`;
  return {
    url,
    port,
    pid: child.pid!,
    banner,
    exitCode: () => child.exitCode ?? (child.signalCode ? 128 : null),
    stop: () => stopChild(child),
  };
}

/** SIGTERM (graceful), then SIGKILL if it lingers. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
