import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** True where a private X server can be started (CI installs xvfb). */
export const hasXvfb = existsSync('/usr/bin/Xvfb');

export interface XDisplay {
  /** e.g. `:99` */
  display: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** True where keys can be sent to a display (CI installs xdotool). */
export const hasXdotool = existsSync('/usr/bin/xdotool');

export interface XvfbOptions {
  /** Extensions switched on explicitly (e.g. RECORD, which global key hooks need). */
  extensions?: string[];
  /**
   * Keep the server until this process exits: `stop` does nothing and a watchdog ends Xvfb after.
   * For a process that holds a display connection for life (uiohook-napi opens one when it loads):
   * Xlib exits such a process ("X connection broken") if its server stops first.
   */
  untilProcessExit?: boolean;
  /**
   * X's key auto-repeat (on by default, as on a desktop). Off for tests that only send keys:
   * on a starved machine a key xdotool holds past the repeat delay (660 ms) types itself again.
   */
  autoRepeat?: boolean;
}

/** Starts `Xvfb` on a free display (it picks one and reports it through -displayfd when ready). */
export async function startXvfb(options: XvfbOptions = {}): Promise<XDisplay> {
  const extensions = (options.extensions ?? []).flatMap((e) => ['+extension', e]);
  const repeat = options.autoRepeat === false ? ['-r'] : [];
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', ...repeat, ...extensions], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const fd = child.stdio[3] as NodeJS.ReadableStream;
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    fd.setEncoding('utf8');
    fd.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
  });
  if (options.untilProcessExit) {
    const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill "$2"';
    spawn('/bin/sh', ['-c', script, 'xvfb-watchdog', String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' }).unref();
    // Nor may the server keep this process alive.
    child.unref();
    for (const s of [child.stderr, child.stdio[3]]) (s as { unref?: () => void } | null)?.unref?.();
  }
  const display = `:${number}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display, XDG_SESSION_TYPE: 'x11' };
  delete env.WAYLAND_DISPLAY;
  return {
    display,
    env,
    stop: async () => {
      if (options.untilProcessExit) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** A Tk text window on `display` that reports its content (test-support/x11-text-window.py). */
export class TextWindow {
  readonly #child: ChildProcess;
  readonly #answers: string[] = [];
  readonly #waiters: Array<(line: string) => void> = [];
  windowId = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#answers.push(line);
    });
  }

  static async open(env: NodeJS.ProcessEnv, title: string): Promise<TextWindow> {
    const script = new URL('./x11-text-window.py', import.meta.url).pathname;
    const child = spawn('/usr/bin/python3', [script, title], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const w = new TextWindow(child);
    const ready = JSON.parse(await w.#next()) as { ready: number };
    w.windowId = ready.ready;
    return w;
  }

  #next(): Promise<string> {
    const queued = this.#answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.#waiters.push(resolve);
      this.#child.once('exit', (code) => reject(new Error(`text window exited (${code})`)));
    });
  }

  async #ask(cmd: string): Promise<unknown> {
    this.#child.stdin!.write(`${cmd}\n`);
    return JSON.parse(await this.#next()) as unknown;
  }

  async focus(): Promise<void> {
    await this.#ask('focus');
  }

  async content(): Promise<string> {
    return (await this.#ask('dump')) as string;
  }

  /** Polls the content until `predicate` holds (X events are asynchronous) or the deadline passes. */
  async waitForContent(predicate: (text: string) => boolean, deadlineMs = 15_000): Promise<string> {
    const end = Date.now() + deadlineMs;
    let text = await this.content();
    while (!predicate(text) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      text = await this.content();
    }
    return text;
  }

  async close(): Promise<void> {
    this.#child.stdin!.end('quit\n');
    if (this.#child.exitCode === null) await new Promise((r) => this.#child.once('exit', r));
  }
}
