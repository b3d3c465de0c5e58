import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildModelArchive, fixtureCatalogEntry, startArchiveServer, type ArchiveServer, type ModelArchiveFixture } from '../../../test-support/model-archive-server.ts';
import type { ModelDownloadProgress } from '../../shared/ipc-contract.ts';
import { APP_ROOT, loadCatalog, parseCatalog } from '../../serving/models/model-catalog.ts';
import { defaultDownloadTuning } from '../../serving/models/model-downloader.ts';
import { defaultModelStoreConfig, ModelStore } from '../../serving/models/model-store.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createOnlineRecognizer } from '../../engine/online-recognizer.ts';
import { DesktopModels } from './desktop-models.ts';
import { recordDownloadedModel } from './downloaded-model-recorder.ts';

// The desktop's model service over the real model manager: a real HTTP download of a real
// .tar.bz2, SHA-256 checked, unpacked, then recorded in the app's SQLite store.
describe('DesktopModels over the real ModelStore', () => {
  let fixture: ModelArchiveFixture;
  let server: ArchiveServer;
  let work: string;
  let store: Store;

  const modelStore = (sha256: string | null, progressIntervalMs = defaultDownloadTuning().progressIntervalMs) =>
    new ModelStore(
      parseCatalog({
        version: 1,
        models: [
          fixtureCatalogEntry(fixture, server.url, sha256, { title: 'Tiny', notes: 'test model' }),
          {
            name: 'shipped',
            title: 'Shipped',
            family: 'nemo-ctc',
            engine_support: 'supported',
            languages: ['en'],
            bundled: true,
            path: 'bundled/shipped',
            url: null,
            size_bytes: null,
            size_approx: false,
            sha256: null,
            sha256_source: null,
            archive_root: null,
            files: fixture.files,
            license: 'MIT',
            notes: 'ships with the app',
          },
        ],
      }),
      {
        ...defaultModelStoreConfig(path.join(work, 'models'), work),
        retries: 0,
        retryDelayMs: 0,
        extractIn: 'inline',
        download: { ...defaultDownloadTuning(), progressIntervalMs },
      },
    );

  /** Starts a download and resolves with every event once a final state arrives. */
  function download(models: (emit: (p: ModelDownloadProgress) => void) => DesktopModels, name: string) {
    return new Promise<ModelDownloadProgress[]>((resolve) => {
      const events: ModelDownloadProgress[] = [];
      const m = models((p) => {
        events.push(p);
        if (p.state === 'done' || p.state === 'failed' || p.state === 'canceled') resolve(events);
      });
      m.download(name);
      m.download(name); // a second click while downloading is a no-op
    });
  }

  beforeAll(async () => {
    fixture = buildModelArchive();
    server = await startArchiveServer(fixture.archive);
  });
  afterAll(async () => {
    await server.stop();
    fixture.cleanup();
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'earshot-desktop-models-'));
    store = openStore(path.join(work, 'earshot.db'));
    server.behaviour.corrupt = false;
    server.behaviour.stallAfterBytes = null;
  });
  afterEach(() => {
    store.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('offers both shipped models of the real catalog as built in, and each folder loads in the engine', async () => {
    const source = new ModelStore(loadCatalog(), defaultModelStoreConfig(path.join(work, 'models'), APP_ROOT));
    const models = new DesktopModels(source, () => {});
    const builtin = (await models.list('earshot-en-small-transducer')).filter((m) => m.builtin);
    expect(builtin.map((m) => [m.name, m.installed, m.active])).toEqual([
      ['earshot-en-small', true, false],
      ['earshot-en-small-transducer', true, true],
    ]);
    for (const { name } of builtin) {
      const dir = await models.resolve(name);
      expect(dir).toBe(path.join(APP_ROOT, 'models', name));
      const recognizer = await createOnlineRecognizer({ modelDir: dir });
      await recognizer.dispose();
    }
  });

  it('downloads with progress events, then the model is installed, selectable and recorded', async () => {
    const source = modelStore(fixture.sha256);
    const before = await new DesktopModels(source, () => {}).list('none');
    expect(before).toMatchObject([
      { name: 'tiny', installed: false, builtin: false, active: false },
      { name: 'shipped', builtin: true },
    ]);

    const events = await download(
      (emit) => new DesktopModels(source, emit, { onInstalled: (n) => recordDownloadedModel(n, source, store.models) }),
      'tiny',
    );
    expect(events[0]).toMatchObject({ name: 'tiny', state: 'downloading' });
    expect(events.at(-1)).toMatchObject({ name: 'tiny', state: 'done', receivedBytes: fixture.archive.length });
    expect(events.filter((e) => e.state === 'done')).toHaveLength(1);

    const models = new DesktopModels(source, () => {});
    expect((await models.list('tiny'))[0]).toMatchObject({ name: 'tiny', installed: true, active: true });
    const dir = await models.resolve('tiny');
    expect(store.models.get('tiny')).toMatchObject({ name: 'tiny', path: dir, sha256: fixture.sha256, active: false });
  });

  it('deletes a downloaded model from disk and from the app database; refuses the shipped and the active model', async () => {
    const source = modelStore(fixture.sha256);
    const recorded = (n: string) => recordDownloadedModel(n, source, store.models);
    await download((emit) => new DesktopModels(source, emit, { onInstalled: recorded }), 'tiny');
    const models = new DesktopModels(source, () => {}, { onRemoved: (n) => store.models.remove(n) });
    const dir = await models.resolve('tiny');
    expect(existsSync(path.join(dir, 'tokens.txt'))).toBe(true);
    expect(store.models.get('tiny')).toBeDefined();

    await expect(models.remove('shipped', 'tiny')).rejects.toMatchObject({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringMatching(/ships with Earshot/) });
    await expect(models.remove('tiny', 'tiny')).rejects.toMatchObject({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringMatching(/active model/) });
    expect(existsSync(dir)).toBe(true);

    await models.remove('tiny', 'shipped');
    expect(existsSync(dir)).toBe(false);
    expect(store.models.get('tiny')).toBeUndefined();
    expect((await models.list('shipped'))[0]).toMatchObject({ name: 'tiny', installed: false });
    await expect(models.resolve('tiny')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
    // Nothing left to delete: a clear code, not a crash.
    await expect(models.remove('tiny', 'shipped')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
  });

  it('a model being downloaded cannot be deleted', async () => {
    const source = modelStore(fixture.sha256);
    let models!: DesktopModels;
    const finished = new Promise<ModelDownloadProgress>((resolve) => {
      models = new DesktopModels(source, (p) => (p.state === 'canceled' || p.state === 'done') && resolve(p));
    });
    models.download('tiny');
    await expect(models.remove('tiny', 'shipped')).rejects.toMatchObject({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringMatching(/being downloaded/) });
    models.cancel('tiny');
    await finished;
  });

  it('cancel stops a download with a canceled event; the next download resumes from the bytes already there', async () => {
    // Every received chunk reports progress (no 100/200 ms throttles): the half that arrives before
    // the stall may come in one burst, and its report is what triggers the cancel.
    const source = modelStore(fixture.sha256, 0);
    const half = fixture.archive.length >> 1;
    server.behaviour.stallAfterBytes = half;
    const events: ModelDownloadProgress[] = [];
    let clock = 0;
    const ended = new Promise<void>((resolve) => {
      const models = new DesktopModels(
        source,
        (p) => {
          events.push(p);
          // Cancel once the first bytes arrived; the stalled server sends no more.
          if (p.state === 'downloading' && p.receivedBytes > 0) models.cancel('tiny');
          if (p.state === 'canceled' || p.state === 'done' || p.state === 'failed') resolve();
        },
        { now: () => (clock += 1_000) },
      );
      models.download('tiny');
    });
    await ended;
    expect(events.at(-1)).toMatchObject({ name: 'tiny', state: 'canceled' });
    await expect(new DesktopModels(source, () => {}).resolve('tiny')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });

    server.behaviour.stallAfterBytes = null;
    const before = server.requests.length;
    const again = await download((emit) => new DesktopModels(source, emit), 'tiny');
    expect(again.at(-1)).toMatchObject({ state: 'done', receivedBytes: fixture.archive.length });
    // The second request asked only for what was missing.
    const ranges = server.requests.slice(before).map((r) => r.range).filter((r) => r !== undefined);
    expect(ranges[0]).toMatch(/^bytes=[1-9]\d*-$/);
    expect(await new DesktopModels(source, () => {}).resolve('tiny')).toBeTruthy();
  });

  it('a corrupted download fails with the checksum code and records nothing', async () => {
    const source = modelStore(fixture.sha256);
    server.behaviour.corrupt = true;
    const events = await download(
      (emit) => new DesktopModels(source, emit, { onInstalled: (n) => recordDownloadedModel(n, source, store.models) }),
      'tiny',
    );
    expect(events.at(-1)).toMatchObject({ state: 'failed', error: { code: 'ASR_ERR_CHECKSUM' } });
    await expect(new DesktopModels(source, () => {}).resolve('tiny')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
    expect(store.models.list()).toEqual([]);
  });

  it('unknown models are refused with a code', async () => {
    await expect(new DesktopModels(modelStore(null), () => {}).resolve('nope')).rejects.toMatchObject({
      code: 'ASR_ERR_MODEL_NOT_FOUND',
    });
  });
});
