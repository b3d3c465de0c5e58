import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed after this long (a hung helper must never hang dictation). */
  timeoutMs?: number;
  /** Capture stdout; off for helpers that fork a daemon holding the pipe (xclip -i). */
  captureOutput?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Runs a helper binary without a shell (no quoting bugs, no injection). */
export type CommandRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    const capture = options.captureOutput ?? true;
    const child = spawn(command, args, {
      stdio: ['pipe', capture ? 'pipe' : 'ignore', capture ? 'pipe' : 'ignore'],
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 5000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: stderr + err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.on('error', () => {}); // a helper that exits early closes its stdin
    child.stdin?.end(options.input ?? '');
  });

/** Finds an executable on PATH (like `which`), without running anything. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
