import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { Clipboard, ClipboardSnapshot } from './clipboard.ts';
import { runCommand, type CommandRunner } from './command-runner.ts';

const OWNERSHIP_POLL_MS = 20;
const OWNERSHIP_TIMEOUT_MS = 10_000;

/** The X11 CLIPBOARD selection through `xclip` (Linux tests and the CLI; text only). */
export class XclipClipboard implements Clipboard {
  readonly #run: CommandRunner;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: { env?: NodeJS.ProcessEnv; run?: CommandRunner } = {}) {
    this.#env = options.env ?? process.env;
    this.#run = options.run ?? runCommand;
  }

  async readText(): Promise<string> {
    const r = await this.#run('xclip', ['-selection', 'clipboard', '-o'], { env: this.#env });
    if (r.code === 0) return r.stdout;
    // An empty clipboard is "target STRING not available", not an error for us. Anything else
    // (no display, a helper killed on a starved machine) must not read as empty: a snapshot of
    // '' would later be "restored" over the user's clipboard.
    if (r.code === 1 && /target \S+ not available/.test(r.stderr)) return '';
    throw new AsrError(ErrorCode.Internal, `xclip could not read the clipboard (exit ${r.code}): ${r.stderr.trim()}`);
  }

  async writeText(text: string): Promise<void> {
    // xclip forks a process that serves the selection; it must not hold our pipes open.
    const r = await this.#run('xclip', ['-selection', 'clipboard', '-i'], {
      input: text,
      env: this.#env,
      captureOutput: false,
    });
    if (r.code !== 0) throw new AsrError(ErrorCode.Internal, `xclip could not set the clipboard (exit ${r.code}): ${r.stderr}`);
    // xclip can exit before the X server saw its claim on the selection (the forked child that
    // serves it sends it); a paste right after would read the old content. Wait until it holds `text`.
    for (let waited = 0; (await this.readText()) !== text; waited += OWNERSHIP_POLL_MS) {
      if (waited >= OWNERSHIP_TIMEOUT_MS) throw new AsrError(ErrorCode.Internal, 'xclip did not take over the clipboard');
      await new Promise((r) => setTimeout(r, OWNERSHIP_POLL_MS));
    }
  }

  async snapshot(): Promise<ClipboardSnapshot> {
    return { text: await this.readText() };
  }

  async restore(snapshot: ClipboardSnapshot): Promise<void> {
    await this.writeText(snapshot.text);
  }
}
