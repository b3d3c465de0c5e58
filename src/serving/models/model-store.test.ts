import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.ts';
import { buildModelArchive, fixtureCatalogEntry, startArchiveServer, type ArchiveServer, type ModelArchiveFixture } from '../../../test-support/model-archive-server.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { parseCatalog } from './model-catalog.ts';
import { MANIFEST_FILE } from './model-manifest.ts';
import { defaultModelStoreConfig, ModelStore, validateModelStoreConfig, type ModelStoreConfig, type PullProgress } from './model-store.ts';

describe('model store', () => {
  let fixture: ModelArchiveFixture;
  let server: ArchiveServer;
  let work: string;
  let dir: string;
  let appRoot: string;

  const catalogFor = (url: string, sha256: string | null) =>
    parseCatalog({
      version: 1,
      models: [
        {
          name: 'bundled-small',
          title: 'Bundled',
          family: 'nemo-ctc',
          engine_support: 'supported',
          languages: ['en'],
          bundled: true,
          path: 'models/bundled-small',
          url: null,
          size_bytes: null,
          size_approx: false,
          sha256: null,
          sha256_source: null,
          archive_root: null,
          files: { model: 'model.onnx', tokens: 'tokens.txt' },
          license: 'Apache-2.0',
          notes: 'test',
        },
        fixtureCatalogEntry(fixture, url, sha256),
      ],
    });

  const storeWith = (sha256: string | null, over: Partial<ModelStoreConfig> = {}, url = server.url) =>
    // Inline unpacking keeps these tests quick; the worker thread path has its own tests below.
    new ModelStore(catalogFor(url, sha256), { ...defaultModelStoreConfig(dir, appRoot), retries: 0, retryDelayMs: 0, extractIn: 'inline', ...over });

  beforeAll(async () => {
    fixture = buildModelArchive();
    server = await startArchiveServer(fixture.archive);
  });
  afterAll(async () => {
    await server.stop();
    fixture.cleanup();
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'earshot-store-'));
    dir = path.join(work, 'models');
    appRoot = path.join(work, 'app');
    mkdirSync(path.join(appRoot, 'models', 'bundled-small'), { recursive: true });
    writeFileSync(path.join(appRoot, 'models', 'bundled-small', 'model.onnx'), 'onnx');
    writeFileSync(path.join(appRoot, 'models', 'bundled-small', 'tokens.txt'), 'a 0\n');
    server.requests.length = 0;
    Object.assign(server.behaviour, { honourRange: true, cutAfterBytes: null, cutRequests: 0, corrupt: false });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('lists a fresh folder: bundled model present, download not installed', async () => {
    const list = await storeWith(fixture.sha256).list();
    expect(list.map((m) => [m.name, m.state, m.complete])).toEqual([
      ['bundled-small', 'bundled', true],
      ['tiny', 'not-installed', false],
    ]);
    expect(list[0].path).toBe(path.join(appRoot, 'models', 'bundled-small'));
  });

  it('downloads, unpacks (in a worker thread) atomically, writes a manifest and verifies', async () => {
    const store = storeWith(fixture.sha256, { extractIn: 'worker' });
    const phases = new Set<string>();
    const progress: PullProgress[] = [];
    const status = await store.pull('tiny', { onProgress: (p) => (phases.add(p.phase), progress.push(p)) });
    expect(status).toMatchObject({ state: 'installed', complete: true, path: path.join(dir, 'tiny'), partialBytes: 0 });
    expect([...phases]).toEqual(['download', 'extract', 'verify']);
    expect(progress.filter((p) => p.phase === 'download').at(-1)).toMatchObject({ bytes: fixture.archive.length, total: fixture.archive.length });
    expect(readFileSync(path.join(dir, 'tiny', 'tokens.txt'), 'utf8')).toBe('<blk> 0\na 1\nb 2\n');
    expect(readFileSync(path.join(dir, 'tiny', 'model.onnx')).equals(readFileSync(path.join(fixture.root, fixture.archiveRoot, 'model.onnx')))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'tiny', MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ name: 'tiny', archive_sha256: fixture.sha256, archive_sha256_source: 'catalog', archive_bytes: fixture.archive.length });
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['model.onnx', 'test_wavs/trans.txt', 'tokens.txt']);
    const unpacked = manifest.files.reduce((sum: number, f: { bytes: number }) => sum + f.bytes, 0);
    expect(progress.filter((p) => p.phase === 'verify').at(-1)).toMatchObject({ bytes: unpacked, total: unpacked });
    expect(progress.filter((p) => p.phase === 'extract').at(-1)).toMatchObject({ bytes: fixture.archive.length, total: fixture.archive.length });
    // Nothing left behind: no archive (not asked to keep it), no staging folder.
    expect(readdirSync(path.join(dir, '.downloads'))).toEqual([]);
    expect(existsSync(path.join(dir, '.staging')) ? readdirSync(path.join(dir, '.staging')) : []).toEqual([]);

    expect(await store.verify('tiny')).toMatchObject({ ok: true, problems: [], filesChecked: 3, checked: ['files', 'manifest'] });
    expect(await store.resolve('tiny')).toBe(path.join(dir, 'tiny'));
  });

  it('verify finds a damaged and a missing file', async () => {
    const store = storeWith(fixture.sha256);
    await store.pull('tiny');
    writeFileSync(path.join(dir, 'tiny', 'tokens.txt'), '<blk> 0\na 1\nc 2\n');
    rmSync(path.join(dir, 'tiny', 'test_wavs', 'trans.txt'));
    const report = await store.verify('tiny');
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^test_wavs\/trans\.txt: missing/), expect.stringMatching(/^tokens\.txt: SHA-256 [0-9a-f]{64}, expected/)]);
  });

  it('verify also rechecks a kept archive', async () => {
    const store = storeWith(fixture.sha256);
    await store.pull('tiny', { keepArchive: true });
    expect(await store.verify('tiny')).toMatchObject({ ok: true, checked: ['files', 'manifest', 'archive'] });
    const archive = path.join(dir, '.downloads', 'tiny.tar.bz2');
    const bytes = readFileSync(archive);
    bytes[10] ^= 1;
    writeFileSync(archive, bytes);
    expect((await store.verify('tiny')).problems).toEqual([expect.stringMatching(/^kept archive: SHA-256/)]);
  });

  it('resumes an interrupted pull with Range and installs the right bytes', async () => {
    Object.assign(server.behaviour, { cutAfterBytes: 120_000, cutRequests: 1 });
    const store = storeWith(fixture.sha256);
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download, resumable: true });
    const status = await store.status('tiny');
    expect(status.state).toBe('partial');
    expect(status.partialBytes).toBeGreaterThan(0);

    server.requests.length = 0;
    const done = await store.pull('tiny');
    expect(done.state).toBe('installed');
    expect(server.requests.at(-1)?.range).toBe(`bytes=${status.partialBytes}-`);
    expect((await store.verify('tiny')).ok).toBe(true);
  });

  it('retries a dropped connection by itself, resuming each time', async () => {
    Object.assign(server.behaviour, { cutAfterBytes: 100_000, cutRequests: 2 });
    const attempts = new Set<number>();
    const status = await storeWith(fixture.sha256, { retries: 3 }).pull('tiny', { onProgress: (p) => attempts.add(p.attempt) });
    expect(status.state).toBe('installed');
    expect([...attempts]).toEqual([1, 2, 3]);
    expect(server.requests.filter((r) => r.range).length).toBeGreaterThanOrEqual(2);
  });

  it('installs from a server that ignores Range', async () => {
    Object.assign(server.behaviour, { cutAfterBytes: 100_000, cutRequests: 1 });
    const store = storeWith(fixture.sha256);
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download });
    server.behaviour.honourRange = false;
    expect((await store.pull('tiny')).state).toBe('installed');
    expect((await store.verify('tiny')).ok).toBe(true);
  });

  it('refuses a corrupted download: ASR_ERR_CHECKSUM and no installed model', async () => {
    server.behaviour.corrupt = true;
    const store = storeWith(fixture.sha256);
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Checksum });
    expect((await store.status('tiny')).state).toBe('not-installed');
    expect(existsSync(path.join(dir, 'tiny'))).toBe(false);
    expect(readdirSync(path.join(dir, '.downloads'))).toEqual([]);
  });

  it('records the first download of an unpinned archive and holds later downloads to it', async () => {
    const store = storeWith(null);
    await store.pull('tiny');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'tiny', MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ archive_sha256: fixture.sha256, archive_sha256_source: 'first-download' });
    await store.remove('tiny');

    server.behaviour.corrupt = true;
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Checksum, message: expect.stringContaining('your first download') });
    server.behaviour.corrupt = false;
    await store.pull('tiny');
    expect(JSON.parse(readFileSync(path.join(dir, 'tiny', MANIFEST_FILE), 'utf8')).archive_sha256_source).toBe('recorded');
  });

  it('fails clearly when offline and leaves nothing installed', async () => {
    const port = await freePort();
    const store = storeWith(fixture.sha256, {}, `http://127.0.0.1:${port}/m.tar.bz2`);
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download, message: expect.stringContaining('are you offline?') });
    expect((await store.status('tiny')).state).toBe('not-installed');
  });

  it('cancels through AbortSignal, keeps the partial, and a later pull resumes it', async () => {
    const store = storeWith(fixture.sha256, { download: { ...defaultModelStoreConfig(dir, appRoot).download, progressIntervalMs: 0 } });
    const controller = new AbortController();
    const run = store.pull('tiny', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'download' && p.bytes > 0) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Download, cancelled: true });
    expect(existsSync(path.join(dir, 'tiny'))).toBe(false);
    const partial = await store.status('tiny');
    server.requests.length = 0;
    expect((await store.pull('tiny')).state).toBe('installed');
    if (partial.partialBytes > 0) expect(server.requests.at(-1)?.range).toBe(`bytes=${partial.partialBytes}-`);
  });

  it('a cancel while unpacking keeps the verified archive, so the next pull does not download again', async () => {
    const store = storeWith(fixture.sha256, { extractIn: 'worker' });
    const controller = new AbortController();
    const run = store.pull('tiny', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'extract') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ cancelled: true });
    expect((await store.status('tiny')).state).toBe('not-installed');
    expect(readdirSync(path.join(dir, '.staging'))).toEqual([]);
    server.requests.length = 0;
    expect((await store.pull('tiny')).state).toBe('installed');
    expect(server.requests).toEqual([]);
  });

  it('rejects an unknown unpacking mode', () => {
    expect(() => validateModelStoreConfig({ ...defaultModelStoreConfig('/m', '/a'), extractIn: 'thread' as never })).toThrow(/extractIn/);
    expect(defaultModelStoreConfig('/m', '/a').extractIn).toBe('worker');
  });

  it('refuses a second pull of the same model while one runs', async () => {
    const store = storeWith(fixture.sha256);
    const first = store.pull('tiny');
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download, message: expect.stringContaining('already being downloaded') });
    await first;
  });

  it('refuses to pull while another live process holds the model lock, and takes over a stale lock', async () => {
    const store = storeWith(fixture.sha256);
    mkdirSync(path.join(dir, '.downloads'), { recursive: true });
    const lock = path.join(dir, '.downloads', 'tiny.lock');
    writeFileSync(lock, '1\n'); // pid 1 is always alive
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download, message: expect.stringContaining('another Earshot process (pid 1)') });
    expect(server.requests).toEqual([]);

    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number; // exited: a stale owner
    writeFileSync(lock, `${gone}\n`);
    expect((await store.pull('tiny')).state).toBe('installed');
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a download that cannot fit on the disk before fetching a byte', async () => {
    const huge = catalogFor(server.url, fixture.sha256);
    huge.models[1].size_bytes = 10 ** 15;
    const store = new ModelStore(huge, { ...defaultModelStoreConfig(dir, appRoot), retries: 0 });
    await expect(store.pull('tiny')).rejects.toMatchObject({ code: ErrorCode.Download, message: expect.stringMatching(/needs about \d+ MB free in .*; only \d+ MB available/) });
    expect(server.requests).toEqual([]);
  });

  it('stops on a damaged checksum record instead of overwriting it', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.checksums.json'), '{ not json');
    await expect(storeWith(null).pull('tiny')).rejects.toMatchObject({ code: ErrorCode.InvalidConfig, message: expect.stringContaining('.checksums.json is damaged') });
    expect(readFileSync(path.join(dir, '.checksums.json'), 'utf8')).toBe('{ not json');
  });

  it('removes an installed model and its partial download, never the bundled one', async () => {
    const store = storeWith(fixture.sha256);
    await store.pull('tiny');
    await store.remove('tiny');
    expect((await store.status('tiny')).state).toBe('not-installed');
    expect(existsSync(path.join(dir, 'tiny'))).toBe(false);
    await expect(store.remove('tiny')).rejects.toMatchObject({ code: ErrorCode.ModelNotFound });
    await expect(store.remove('bundled-small')).rejects.toMatchObject({ code: ErrorCode.InvalidConfig });
    await expect(store.remove('../app')).rejects.toMatchObject({ code: ErrorCode.ModelNotFound });
    expect(existsSync(path.join(appRoot, 'models', 'bundled-small', 'model.onnx'))).toBe(true);
  });

  it('lists a hand-added sherpa-onnx folder as a custom installed model', async () => {
    mkdirSync(path.join(dir, 'my-zipformer'), { recursive: true });
    writeFileSync(path.join(dir, 'my-zipformer', 'tokens.txt'), 'a 0\n');
    mkdirSync(path.join(dir, '.downloads'), { recursive: true });
    const store = storeWith(fixture.sha256);
    const custom = (await store.list()).find((m) => m.name === 'my-zipformer');
    expect(custom).toMatchObject({ state: 'installed', custom: true, family: null, path: path.join(dir, 'my-zipformer') });
    expect((await store.list()).some((m) => m.name === '.downloads')).toBe(false);
    expect(await store.verify('my-zipformer')).toMatchObject({ ok: true, checked: [] });
    await store.remove('my-zipformer');
    expect(existsSync(path.join(dir, 'my-zipformer'))).toBe(false);
  });

  it('rejects pulling the bundled model or an unknown one', async () => {
    const store = storeWith(fixture.sha256);
    await expect(store.pull('bundled-small')).rejects.toMatchObject({ code: ErrorCode.InvalidConfig });
    await expect(store.pull('nope')).rejects.toMatchObject({ code: ErrorCode.ModelNotFound });
    await expect(store.resolve('tiny')).rejects.toMatchObject({ code: ErrorCode.ModelNotFound, message: expect.stringContaining('earshot models pull tiny') });
  });

  it('validates its config', () => {
    const ok = defaultModelStoreConfig('/m', '/app');
    expect(validateModelStoreConfig(ok)).toBe(ok);
    expect(() => validateModelStoreConfig({ ...ok, dir: 'relative' })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
    expect(() => validateModelStoreConfig({ ...ok, retries: -1 })).toThrow(/retries/);
    expect(() => validateModelStoreConfig({ ...ok, download: { ...ok.download, stallTimeoutMs: 0 } })).toThrow(/stallTimeoutMs/);
  });
});
