import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { ChordTracker, type KeyInput } from './chord-tracker.ts';
import type { KeyChord } from './key-chord.ts';

export type KeyHookAvailability = { available: true } | { available: false; reason: string };

export interface ChordHandlers {
  press(): void;
  release(): void;
}

/** What HotkeyManager needs from a key hook (GlobalKeyHook is the real one). */
export interface KeyHook {
  /** Whether the hook can run here; probed once, lazily. */
  availability(): Promise<KeyHookAvailability>;
  /** Starts the hook (if it is not running) and reports press/release of `chord`. */
  watch(chord: KeyChord, handlers: ChordHandlers): Promise<void>;
  /** Stops the hook. */
  unwatch(): void;
  /** Stops the hook and an unfinished probe. */
  dispose(): void;
}

export interface GlobalKeyHookOptions {
  /** The environment the hook runs in (DISPLAY, WAYLAND_DISPLAY); default process.env. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The runtime the probe runs on: Node, or Electron as Node (ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  /** The module to load; another id only to test a module that does not load. */
  moduleId?: string;
  probeTimeoutMs?: number;
}

interface UiohookEvent extends KeyInput {
  type: number;
}
interface Uiohook {
  on(event: 'keydown' | 'keyup', listener: (e: UiohookEvent) => void): unknown;
  off(event: 'keydown' | 'keyup', listener: (e: UiohookEvent) => void): unknown;
  start(): void;
  stop(): void;
}

// Runs in a child process: loads the module and starts and stops the hook once. A failed start
// inside uiohook-napi 1.5.5 aborts its process (its worker destroys a mutex still locked:
// SIGABRT in uv_mutex_destroy after "XOpenDisplay failure!"), so it must never be tried in main.
const PROBE_SCRIPT = `
const out = (r) => process.stdout.write(JSON.stringify(r) + '\\n', () => process.exit(0));
let hook;
try { hook = require(process.argv[1]).uIOhook; } catch (e) { out({ ok: false, reason: 'the uiohook-napi module did not load: ' + e.message }); }
if (hook) {
  try { hook.start(); hook.stop(); out({ ok: true }); } catch (e) { out({ ok: false, reason: 'the key hook did not start: ' + e.message }); }
}`;

/** libuiohook's own report that the hook cannot start (it then aborts or hangs, see #runProbe). */
const FATAL_HOOK_ERROR = /XOpenDisplay failure/;

// Generous: a false "unavailable" lasts until restart, and a loaded machine starts Node slowly.
const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

function platformHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return ' (grant Earshot Accessibility permission in System Settings → Privacy & Security, then restart Earshot)';
  if (platform === 'linux') return ' (it needs an X11 session or XWayland, with the XRecord extension)';
  return '';
}

/**
 * A system-wide key hook with key-down and key-up (uiohook-napi: XRecord on X11, a low-level
 * keyboard hook on Windows, an event tap on macOS), reduced to press/release of one chord.
 * The native module loads only when the hook starts, never at import: tests and the web build
 * never touch it. Availability is probed in a child process first, since a failed start aborts
 * the process that tried it; whatever goes wrong is reported as a reason, never thrown at start-up.
 */
export class GlobalKeyHook implements KeyHook {
  readonly #env: NodeJS.ProcessEnv;
  readonly #platform: NodeJS.Platform;
  readonly #execPath: string;
  readonly #moduleId: string;
  readonly #probeTimeoutMs: number;
  #probe: Promise<KeyHookAvailability> | undefined;
  #probeChild: ChildProcess | undefined;
  #hook: Uiohook | undefined;
  #tracker: ChordTracker | undefined;
  #handlers: ChordHandlers | undefined;
  #disposed = false;

  constructor(options: GlobalKeyHookOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#platform = options.platform ?? process.platform;
    this.#execPath = options.execPath ?? process.execPath;
    this.#moduleId = options.moduleId ?? 'uiohook-napi';
    this.#probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  }

  get running(): boolean {
    return this.#hook !== undefined;
  }

  availability(): Promise<KeyHookAvailability> {
    this.#probe ??= this.#runProbe();
    return this.#probe;
  }

  async watch(chord: KeyChord, handlers: ChordHandlers): Promise<void> {
    const a = await this.availability();
    if (!a.available) throw new AsrError(ErrorCode.ProviderUnavailable, `hold-to-talk is unavailable: ${a.reason}`);
    if (this.#disposed) return;
    // A new chord starts from nothing held; a hold in progress under the old chord ends here.
    if (this.#tracker?.held) this.#handlers?.release();
    this.#tracker = new ChordTracker(chord);
    this.#handlers = handlers;
    if (!this.#hook) this.#start();
  }

  unwatch(): void {
    if (this.#tracker?.held) this.#handlers?.release();
    this.#tracker = undefined;
    this.#handlers = undefined;
    if (!this.#hook) return;
    const hook = this.#hook;
    this.#hook = undefined;
    hook.off('keydown', this.#onKeyDown);
    hook.off('keyup', this.#onKeyUp);
    hook.stop();
  }

  dispose(): void {
    this.#disposed = true;
    this.#probeChild?.kill('SIGKILL');
    this.unwatch();
  }

  readonly #onKeyDown = (e: UiohookEvent): void => {
    if (this.#tracker?.keyDown(e) === 'press') this.#handlers?.press();
  };

  readonly #onKeyUp = (e: UiohookEvent): void => {
    if (this.#tracker?.keyUp(e) === 'release') this.#handlers?.release();
  };

  #start(): void {
    const hook = (createRequire(import.meta.url)(this.#moduleId) as { uIOhook: Uiohook }).uIOhook;
    hook.on('keydown', this.#onKeyDown);
    hook.on('keyup', this.#onKeyUp);
    try {
      hook.start();
    } catch (err) {
      hook.off('keydown', this.#onKeyDown);
      hook.off('keyup', this.#onKeyUp);
      this.#probe = Promise.resolve({ available: false, reason: `the key hook did not start: ${(err as Error).message}` });
      throw new AsrError(ErrorCode.ProviderUnavailable, `hold-to-talk is unavailable: ${(err as Error).message}`, { cause: err });
    }
    this.#hook = hook;
  }

  async #runProbe(): Promise<KeyHookAvailability> {
    const unavailable = (reason: string): KeyHookAvailability => ({ available: false, reason: reason + platformHint(this.#platform) });
    if (this.#platform === 'linux' && !this.#env.DISPLAY) {
      return unavailable(
        this.#env.WAYLAND_DISPLAY ? 'this Wayland session has no XWayland display (DISPLAY is not set)' : 'there is no X display (DISPLAY is not set)',
      );
    }
    let modulePath: string;
    try {
      modulePath = createRequire(import.meta.url).resolve(this.#moduleId);
    } catch (err) {
      return unavailable(`the ${this.#moduleId} module is not installed: ${(err as Error).message}`);
    }
    if (this.#disposed) return unavailable('the app is quitting');
    const child = spawn(this.#execPath, ['-e', PROBE_SCRIPT, modulePath], {
      env: { ...this.#env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.#probeChild = child;
    let stdout = '';
    let stderr = '';
    let fatal: string | undefined;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // libuiohook reports a display it cannot open, then aborts — or, in about a third of runs,
      // hangs in its other thread: the first report is the answer, the process is not waited for.
      fatal ??= stderr.split('\n').find((l) => FATAL_HOOK_ERROR.test(l));
      if (fatal) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), this.#probeTimeoutMs);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    this.#probeChild = undefined;
    if (exit.error) return unavailable(`the key hook probe did not run: ${exit.error.message}`);
    const line = stdout.trim().split('\n').at(-1) ?? '';
    // The answer counts whatever the exit code: without a display, libXt fails the exit itself.
    if (line.startsWith('{')) {
      try {
        const r = JSON.parse(line) as { ok: boolean; reason?: string };
        return r.ok ? { available: true } : unavailable(r.reason ?? 'the key hook did not start');
      } catch {
        // Not the probe's answer; fall through to the exit status.
      }
    }
    if (fatal) return unavailable(`the key hook did not start: ${fatal.trim()}`);
    if (exit.signal === 'SIGKILL') return unavailable(`the key hook probe did not answer within ${this.#probeTimeoutMs} ms`);
    const detail = stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${exit.code ?? exit.signal}`;
    return unavailable(`the key hook did not start: ${detail}`);
  }
}
