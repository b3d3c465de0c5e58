import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, REPO_ROOT, SPEECH } from '../../test-support/fixture-paths.ts';
import { buildModelArchive } from '../../test-support/model-archive-server.ts';
import { extractInWorker } from '../serving/models/archive-extract-thread.ts';
import { streamFile } from '../serving/file-stream-client.ts';
import { defaultPoolConfig } from '../serving/serving-config.ts';
import { InProcessTransport } from '../serving/transport/in-process-transport.ts';
import { readWavFile } from '../serving/wav-reader.ts';
import { EmbeddedGateway } from './gateway/embedded-gateway.ts';
import { localServerStarter } from './gateway/local-server-starter.ts';

// The packaged app runs out/main/index.js, which starts worker threads from files beside it
// (src/main/index.ts). This builds the real electron-vite config into a temporary app folder
// laid out like app.asar (package.json, node_modules, out/) and runs the BUILT worker entries
// with plain Node worker_threads, as Electron's main process would. Electron itself cannot run
// here; what that leaves unverified is listed in the README (desktop app).
let app: string;
let main: string;

/** Relative imports of a built file and, transitively, of the chunks it pulls in. */
function builtClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) builtClosure(resolve(dirname(file), m[1]), seen);
  return seen;
}

/** Bare package imports (`from "x"`) of the given built files. */
function packageImports(files: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*"([^".][^"]*)"/g)) out.add(m[1]);
  return out;
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'earshot-bundle-'));
  copyFileSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json')); // "type": "module", as in the packaged app
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  execFileSync(process.execPath, [cli, 'build', '--outDir', join(app, 'out'), '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  main = join(app, 'out', 'main');
}, 300_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('packaged app bundle (electron-vite build)', () => {
  it('puts each worker entry beside index.js, where index.js looks for it', () => {
    const files = readdirSync(main);
    expect(files).toEqual(expect.arrayContaining(['index.js', 'worker-main.js', 'archive-extract-worker.js']));
    const index = readFileSync(join(main, 'index.js'), 'utf8');
    for (const entry of ['worker-main.js', 'archive-extract-worker.js']) {
      expect(index).toContain(`new URL("./${entry}", import.meta.url)`);
    }
    expect(existsSync(join(app, 'out', 'preload', 'index.cjs'))).toBe(true);
    expect(existsSync(join(app, 'out', 'renderer', 'index.html'))).toBe(true);
  });

  it('worker entries and their chunks import neither electron nor TypeScript sources', () => {
    for (const entry of ['worker-main.js', 'archive-extract-worker.js']) {
      const closure = builtClosure(join(main, entry));
      for (const f of closure) expect(existsSync(f), `${f} is imported by ${entry}`).toBe(true);
      expect([...packageImports(closure)].filter((p) => p === 'electron' || p.startsWith('electron/'))).toEqual([]);
      expect([...closure].filter((f) => f.endsWith('.ts'))).toEqual([]);
    }
    // Sanity: the main entry does import electron, so the scan sees imports at all.
    expect(packageImports([join(main, 'index.js')])).toContain('electron');
  });

  it('the built recognizer worker loads the model and transcribes a stream end to end', async () => {
    const workerEntry = pathToFileURL(join(main, 'worker-main.js'));
    const gateway = new EmbeddedGateway(localServerStarter({ logger: pino({ level: 'silent' }), workerEntry }));
    try {
      await gateway.start(FIXTURE_MODELS.nemoCtc, 'fixture', ['cpu']);
      expect(gateway.model).toMatchObject({ name: 'fixture', provider: 'cpu' });
      const { url, token } = gateway.endpoint();
      const wav = await readWavFile(SPEECH.jfk);
      const audio = { ...wav, samples: wav.samples.subarray(0, wav.sampleRate * 2) };
      const result = await streamFile(audio, { url: `${url}/v1/listen`, token });
      // The fixture has random weights: its text is arbitrary, but the stream must be decoded and closed normally.
      expect(result.closeCode).toBe(1000);
      expect(result.sessionId).not.toBe('');
    } finally {
      await gateway.stop();
    }
  });

  it('the built recognizer worker finds the ort-values addon from its own folder and runs on it', async () => {
    // As in a development checkout (out/main beside native/build); a packaged app names the
    // resources copy through EARSHOT_ORT_VALUES_ADDON instead (src/main/index.ts).
    symlinkSync(join(REPO_ROOT, 'native'), join(app, 'native'), 'dir');
    const pool = { ...defaultPoolConfig(FIXTURE_MODELS.nemoCtc), workers: 1, threadsPerWorker: 1 };
    const transport = new InProcessTransport({ pool, capacity: 4, logger: pino({ level: 'silent' }), workerEntry: pathToFileURL(join(main, 'worker-main.js')) });
    try {
      expect((await transport.start()).encoderBinding).toBe('native');
    } finally {
      await transport.close();
      rmSync(join(app, 'native'));
    }
  });

  it('a worker entry that is not there fails the start with a code (the URL is really used)', async () => {
    const workerEntry = pathToFileURL(join(main, 'no-such-worker.js'));
    const gateway = new EmbeddedGateway(localServerStarter({ logger: pino({ level: 'silent' }), workerEntry }));
    await expect(gateway.start(FIXTURE_MODELS.nemoCtc, 'fixture', ['cpu'])).rejects.toMatchObject({ code: 'ASR_ERR_WORKER_FAILED' });
    expect(gateway.running).toBe(false);
  });

  it('the built unpacking worker extracts a model archive', async () => {
    const fixture = buildModelArchive();
    const into = mkdtempSync(join(tmpdir(), 'earshot-bundle-extract-'));
    try {
      const archive = join(into, 'model.tar.bz2');
      writeFileSync(archive, fixture.archive);
      await extractInWorker(archive, join(into, 'unpacked'), { entry: pathToFileURL(join(main, 'archive-extract-worker.js')) });
      for (const f of Object.values(fixture.files)) expect(existsSync(join(into, 'unpacked', fixture.archiveRoot, f)), f).toBe(true);
    } finally {
      fixture.cleanup();
      rmSync(into, { recursive: true, force: true });
    }
  });
});
