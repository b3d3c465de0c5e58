import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.ts';
import { buildModelArchive, startArchiveServer, type ArchiveServer, type ModelArchiveFixture } from '../../../test-support/model-archive-server.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { defaultDownloadTuning, downloadFile, parseContentRange, type DownloadProgress } from './model-downloader.ts';

describe('model downloader', () => {
  let fixture: ModelArchiveFixture;
  let server: ArchiveServer;
  let dir: string;
  let partialPath: string;
  let destPath: string;

  beforeAll(async () => {
    fixture = buildModelArchive();
    server = await startArchiveServer(fixture.archive);
  });
  afterAll(async () => {
    await server.stop();
    fixture.cleanup();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'earshot-dl-'));
    partialPath = path.join(dir, 'm.tar.bz2.partial');
    destPath = path.join(dir, 'm.tar.bz2');
    server.requests.length = 0;
    Object.assign(server.behaviour, { honourRange: true, cutAfterBytes: null, cutRequests: 0, corrupt: false });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the redirect, reports progress and verifies the SHA-256', async () => {
    const seen: DownloadProgress[] = [];
    const result = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256, onProgress: (p) => seen.push(p) });
    expect(result).toMatchObject({ path: destPath, sha256: fixture.sha256, bytes: fixture.archive.length, resumedFrom: 0, restarted: false });
    expect(readFileSync(destPath).equals(fixture.archive)).toBe(true);
    expect(existsSync(partialPath)).toBe(false);
    expect(server.requests.map((r) => r.path)).toEqual(['/download/model.tar.bz2', '/files/model.tar.bz2']);
    expect(seen.at(-1)).toMatchObject({ bytes: fixture.archive.length, total: fixture.archive.length });
    expect(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1].bytes)).toBe(true);
  });

  it('keeps the partial file when the connection drops, then resumes with Range to the right SHA-256', async () => {
    const cut = 150_000;
    Object.assign(server.behaviour, { cutAfterBytes: cut, cutRequests: 1 });
    const first = downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    await expect(first).rejects.toMatchObject({ code: ErrorCode.Download, resumable: true, message: expect.stringMatching(/interrupted|ended after/) });
    const kept = statSync(partialPath).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(cut);

    server.requests.length = 0;
    const second = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    expect(second).toMatchObject({ sha256: fixture.sha256, bytes: fixture.archive.length, resumedFrom: kept, restarted: false });
    // Range goes out on the first hop and again after the redirect.
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${kept}-`, `bytes=${kept}-`]);
    expect(readFileSync(destPath).equals(fixture.archive)).toBe(true);
  });

  it('starts over when the server ignores Range (200 instead of 206)', async () => {
    writeFileSync(partialPath, fixture.archive.subarray(0, 1000));
    server.behaviour.honourRange = false;
    const result = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    expect(result).toMatchObject({ sha256: fixture.sha256, bytes: fixture.archive.length, resumedFrom: 0, restarted: true });
    expect(readFileSync(destPath).equals(fixture.archive)).toBe(true);
  });

  it('treats 416 on a complete partial file as done, and a too-long partial as bad', async () => {
    writeFileSync(partialPath, fixture.archive);
    const done = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    expect(done).toMatchObject({ sha256: fixture.sha256, resumedFrom: fixture.archive.length });
    expect(server.requests.filter((r) => r.range).length).toBeGreaterThan(0);

    rmSync(destPath);
    writeFileSync(partialPath, Buffer.concat([fixture.archive, Buffer.from('trailing junk')]));
    const redone = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    expect(redone).toMatchObject({ sha256: fixture.sha256, restarted: true, resumedFrom: 0 });
  });

  it('deletes a file that fails its checksum and reports ASR_ERR_CHECKSUM', async () => {
    server.behaviour.corrupt = true;
    const run = downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256, checksumSource: 'the test' });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Checksum, expected: fixture.sha256, message: expect.stringContaining('the test') });
    expect(existsSync(partialPath)).toBe(false);
    expect(existsSync(destPath)).toBe(false);
  });

  it('says "are you offline?" when nothing listens', async () => {
    const port = await freePort();
    const run = downloadFile({ url: `http://127.0.0.1:${port}/x.tar.bz2`, partialPath, destPath });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Download, message: expect.stringMatching(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) — are you offline\?/) });
  });

  it('reports HTTP errors with the status', async () => {
    const run = downloadFile({ url: server.directUrl.replace('model.tar.bz2', 'nope.tar.bz2'), partialPath, destPath });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Download, resumable: false, message: expect.stringContaining('HTTP 404') });
  });

  it('stops on AbortSignal, keeps the partial file, and resumes from it later', async () => {
    const controller = new AbortController();
    Object.assign(server.behaviour, { cutAfterBytes: 100_000, cutRequests: 0 });
    let aborted = false;
    const run = downloadFile(
      {
        url: server.url,
        partialPath,
        destPath,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes > 0 && !aborted) {
            aborted = true;
            controller.abort();
          }
        },
      },
      { ...defaultDownloadTuning(), progressIntervalMs: 0 },
    );
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Download, cancelled: true });
    expect(existsSync(destPath)).toBe(false);
    const kept = existsSync(partialPath) ? statSync(partialPath).size : 0;
    const resumed = await downloadFile({ url: server.url, partialPath, destPath, expectedSha256: fixture.sha256 });
    expect(resumed).toMatchObject({ sha256: fixture.sha256, resumedFrom: kept });
  });

  it('refuses to start when already cancelled', async () => {
    const run = downloadFile({ url: server.url, partialPath, destPath, signal: AbortSignal.abort() });
    await expect(run).rejects.toMatchObject({ cancelled: true });
    expect(server.requests).toHaveLength(0);
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
    expect(parseContentRange('items 1-2/3')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});
