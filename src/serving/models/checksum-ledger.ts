import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

export interface RecordedChecksum {
  sha256: string;
  bytes: number;
  first_seen: string;
}

/**
 * Trust on first use for archives nobody publishes a checksum for: the SHA-256 of the first
 * successful install is kept per URL (it outlives `rm`), and every later download must match it.
 */
export class ChecksumLedger {
  constructor(private readonly file: string) {}

  async get(url: string): Promise<RecordedChecksum | undefined> {
    return (await this.readAll())[url];
  }

  async record(url: string, sha256: string, bytes: number, now = new Date()): Promise<void> {
    const all = await this.readAll();
    if (all[url]) return;
    all[url] = { sha256, bytes, first_seen: now.toISOString() };
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
    await rename(tmp, this.file);
  }

  private async readAll(): Promise<Record<string, RecordedChecksum>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AsrError(ErrorCode.InvalidConfig, `cannot read ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, RecordedChecksum>;
    } catch {
      // fall through
    }
    // Never overwrite it silently: it is the only record of what the first downloads hashed to.
    throw new AsrError(ErrorCode.InvalidConfig, `${this.file} is damaged; fix or delete it (deleting forgets the recorded checksums)`);
  }
}
