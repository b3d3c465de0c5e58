import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildModelArchive, fixtureCatalogEntry, startArchiveServer, type ArchiveServer, type ModelArchiveFixture } from '../../../test-support/model-archive-server.ts';
import { defaultCatalogPath } from '../../serving/models/model-catalog.ts';
import { main } from '../main.ts';
import { formatBytes } from './models.ts';

const bin = new URL('../../../bin/earshot.js', import.meta.url).pathname;
const run = promisify(execFile);

/** Runs the real CLI; resolves with exit code and output instead of throwing on failure. */
async function earshot(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs the CLI in this process (spawning tsx per call is slow on a busy machine): the same
 * program, arguments and exit codes, with stdout and stderr captured.
 */
async function earshotInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'earshot', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('earshot models', () => {
  let work: string;
  let fixture: ModelArchiveFixture;
  let server: ArchiveServer;
  let catalog: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'earshot-cli-models-'));
    env = { EARSHOT_MODELS_DIR: path.join(work, 'models') };
    fixture = buildModelArchive();
    server = await startArchiveServer(fixture.archive);
    // The shipped catalog plus one model served by the local test server.
    const shipped = JSON.parse(readFileSync(defaultCatalogPath(), 'utf8'));
    shipped.models.push(fixtureCatalogEntry(fixture, server.url, fixture.sha256, { title: 'Tiny test model' }));
    catalog = path.join(work, 'catalog.json');
    writeFileSync(catalog, JSON.stringify(shipped));
  });
  afterAll(async () => {
    await server.stop();
    fixture.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('list --json includes earshot-en-small as bundled', async () => {
    const { code, stdout } = await earshot(['models', 'list', '--json'], env);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.dir).toBe(env.EARSHOT_MODELS_DIR);
    expect(out.models.find((m: { name: string }) => m.name === 'earshot-en-small')).toMatchObject({ state: 'bundled', family: 'nemo-ctc', languages: ['en'] });
    expect(out.models.find((m: { name: string }) => m.name === 'sherpa-onnx-streaming-zipformer-en-2023-06-26')).toMatchObject({ state: 'not-installed' });
  }, 180_000);

  it('pulls with plain progress lines off a terminal', async () => {
    const dir = path.join(work, 'other');
    const pull = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'pull', 'tiny']);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toBe(`tiny: installed in ${path.join(dir, 'tiny')}\n`);
    expect(pull.stderr).toMatch(/^tiny: download\n/);
    expect(pull.stderr).toMatch(/tiny: download 100% /);
    expect(pull.stderr).toMatch(/tiny: extract\n/);

  }, 120_000);

  it('lists, verifies, detects a changed file and removes the pulled model', async () => {
    const dir = path.join(work, 'other');
    const list = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'list']);
    expect(list.stdout).toMatch(/^tiny\s+installed\s+en\s+nemo-ctc\s+yes\s+/m);

    const verify = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'verify', 'tiny']);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringContaining('tiny: ok') });

    writeFileSync(path.join(dir, 'tiny', 'tokens.txt'), 'changed');
    const bad = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'verify', 'tiny']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/tiny: tokens\.txt: \d+ bytes, expected/);
    expect(bad.stderr).toMatch(/ASR_ERR_CHECKSUM/);

    const path_ = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'path', 'tiny']);
    expect(path_.stdout.trim()).toBe(path.join(dir, 'tiny'));

    const rm = await earshotInProcess(['models', '--catalog', catalog, '--dir', dir, 'rm', 'tiny']);
    expect(rm).toMatchObject({ code: 0, stdout: 'tiny: removed\n' });
    expect(existsSync(path.join(dir, 'tiny'))).toBe(false);
  }, 120_000);

  it('exits 2 with a stable code for an unknown model and for removing the bundled one', async () => {
    const unknown = await earshotInProcess(['models', '--dir', env.EARSHOT_MODELS_DIR, 'pull', 'no-such-model']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/ASR_ERR_MODEL_NOT_FOUND: unknown model 'no-such-model'/);
    const bundled = await earshotInProcess(['models', '--dir', env.EARSHOT_MODELS_DIR, 'rm', 'earshot-en-small']);
    expect(bundled.code).toBe(2);
    expect(bundled.stderr).toMatch(/ASR_ERR_INVALID_CONFIG: .*cannot be removed/);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(null)).toBe('-');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(310_414_022)).toBe('310 MB');
    expect(formatBytes(99_459_493)).toBe('99 MB');
    expect(formatBytes(1_500_000_000, true)).toBe('~1.5 GB');
  });
});
