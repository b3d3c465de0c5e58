import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { Clipboard, ClipboardSnapshot } from './clipboard.ts';
import { runCommand, type CommandRunner } from './command-runner.ts';

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
    // An empty clipboard is "target STRING not available", not an error for us.
    return r.code === 0 ? r.stdout : '';
  }

  async writeText(text: string): Promise<void> {
    // xclip forks a process that serves the selection; it must not hold our pipes open.
    const r = await this.#run('xclip', ['-selection', 'clipboard', '-i'], {
      input: text,
      env: this.#env,
      captureOutput: false,
    });
    if (r.code !== 0) throw new AsrError(ErrorCode.Internal, `xclip could not set the clipboard (exit ${r.code}): ${r.stderr}`);
  }

  async snapshot(): Promise<ClipboardSnapshot> {
    return { text: await this.readText() };
  }

  async restore(snapshot: ClipboardSnapshot): Promise<void> {
    await this.writeText(snapshot.text);
  }
}
