import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelArchive, type ModelArchiveFixture } from '../../../test-support/model-archive-server.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { extractInWorker } from './archive-extract-thread.ts';
import { extractTarBz2, type ExtractProgress } from './archive-extractor.ts';

/** A .tar.bz2 with hostile members, written by Python's tarfile (GNU tar refuses to create them). */
function hostileArchive(dir: string): string {
  const out = path.join(dir, 'hostile.tar.bz2');
  const script = `
import io, tarfile, sys
with tarfile.open(sys.argv[1], 'w:bz2') as t:
    def add(name, data=b'x', kind=tarfile.REGTYPE, link=''):
        i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data) if kind == tarfile.REGTYPE else 0
        t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    add('m/ok.txt', b'fine')
    add('m/link', kind=tarfile.SYMTYPE, link='/etc/passwd')
    add('../escaped.txt', b'no')
`;
  execFileSync('/usr/bin/python3', ['-c', script, out]);
  return out;
}

describe('archive extractor', () => {
  let fixture: ModelArchiveFixture;
  let work: string;
  beforeAll(() => {
    fixture = buildModelArchive();
    work = mkdtempSync(path.join(tmpdir(), 'earshot-extract-'));
  });
  afterAll(() => {
    fixture.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const archivePath = () => {
    const p = path.join(work, 'fixture.tar.bz2');
    writeFileSync(p, fixture.archive);
    return p;
  };

  it.each([
    ['inline', extractTarBz2],
    ['in a worker thread', extractInWorker],
  ])('unpacks a tar cjf archive byte for byte (%s) and reports progress to the end', async (_how, extract) => {
    const into = mkdtempSync(path.join(work, 'out-'));
    const seen: ExtractProgress[] = [];
    await extract(archivePath(), into, { onProgress: (p) => seen.push(p) });
    const src = path.join(fixture.root, fixture.archiveRoot);
    const dst = path.join(into, fixture.archiveRoot);
    expect(readdirSync(dst).sort()).toEqual(['model.onnx', 'test_wavs', 'tokens.txt']);
    expect(readFileSync(path.join(dst, 'model.onnx')).equals(readFileSync(path.join(src, 'model.onnx')))).toBe(true);
    expect(seen.at(-1)).toEqual({ bytes: fixture.archive.length, total: fixture.archive.length });
  });

  it.each([
    ['inline', extractTarBz2],
    ['in a worker thread', extractInWorker],
  ])('reports a file that is not bzip2 as ASR_ERR_MODEL_INVALID (%s)', async (_how, extract) => {
    const bad = path.join(work, 'bad.tar.bz2');
    writeFileSync(bad, 'this is not an archive');
    await expect(extract(bad, path.join(work, 'bad-out'))).rejects.toMatchObject({ code: ErrorCode.ModelInvalid, message: expect.stringContaining('bad.tar.bz2') });
  });

  it('reports a truncated archive instead of installing half of it', async () => {
    const cut = path.join(work, 'cut.tar.bz2');
    writeFileSync(cut, fixture.archive.subarray(0, fixture.archive.length >> 1));
    await expect(extractTarBz2(cut, path.join(work, 'cut-out'))).rejects.toMatchObject({ code: ErrorCode.ModelInvalid });
  });

  it('writes only regular files inside the target: no symlinks, nothing above it', async () => {
    const into = path.join(work, 'hostile-out');
    // strict mode turns tar's "path contains '..'" warning into an error: the install fails loudly.
    await expect(extractTarBz2(hostileArchive(work), into)).rejects.toMatchObject({ code: ErrorCode.ModelInvalid, message: expect.stringContaining("'..'") });
    // ok.txt may or may not be on disk when the error aborts the pipeline (its write races the
    // failure); the caller never renames a failed unpack into place, so only what escapes matters.
    const written = existsSync(path.join(into, 'm')) ? readdirSync(path.join(into, 'm')) : [];
    expect(written.filter((name) => name !== 'ok.txt')).toEqual([]);
    expect(existsSync(path.join(work, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(into, 'm', 'link'))).toBe(false);
  });

  it('cancels a worker extraction through AbortSignal', async () => {
    const controller = new AbortController();
    const run = extractInWorker(archivePath(), path.join(work, 'cancel-out'), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ cancelled: true, code: ErrorCode.Download });
  });
});
