import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { APP_ROOT, defaultCatalogPath, loadCatalog } from '../../serving/models/model-catalog.ts';
import { defaultModelStoreConfig, ModelStore, type ModelStatus, type PullProgress } from '../../serving/models/model-store.ts';
import { defaultModelsDir } from '../../serving/models/models-dir.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

interface ModelsOptions {
  dir?: string;
  catalog?: string;
}

function openStore(opts: ModelsOptions, retries?: number): ModelStore {
  const catalog = loadCatalog(opts.catalog ? path.resolve(opts.catalog) : defaultCatalogPath());
  const config = defaultModelStoreConfig(path.resolve(opts.dir ?? defaultModelsDir()), APP_ROOT);
  if (retries !== undefined) config.retries = retries;
  return new ModelStore(catalog, config);
}

export function formatBytes(n: number | null, approx = false): string {
  if (n === null) return '-';
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${approx ? '~' : ''}${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function stateLabel(m: ModelStatus): string {
  if (m.state === 'partial') return `partial (${formatBytes(m.partialBytes)})`;
  if ((m.state === 'bundled' || m.state === 'installed') && !m.complete) return `${m.state}, files missing`;
  return m.custom ? 'installed (custom)' : m.state;
}

function printTable(models: ModelStatus[], dir: string): void {
  const rows = models.map((m) => [m.name, stateLabel(m), m.languages.join(',') || '-', m.family ?? '?', m.engineSupported ? 'yes' : 'no', formatBytes(m.sizeBytes, m.sizeApprox)]);
  const head = ['NAME', 'STATE', 'LANG', 'FAMILY', 'ENGINE', 'SIZE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\nmodel folder: ${dir}\n`);
}

/** A bar on a terminal; on a pipe, one line per phase and per 10% so logs stay short. */
function progressReporter(name: string): { update(p: PullProgress): void; stop(): void } {
  const tty = process.stderr.isTTY === true;
  let phase: string | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  return {
    update(p) {
      const total = p.total ?? 0;
      if (p.phase !== phase) {
        bar?.stop();
        bar = undefined;
        phase = p.phase;
        lastTenth = -1;
        if (tty) {
          bar = new cliProgress.SingleBar(
            { format: `${p.phase.padEnd(8)} |{bar}| {percentage}% {done}/{all} {rate}`, hideCursor: true, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          );
          bar.start(Math.max(total, 1), 0, { done: '', all: '', rate: '' });
        } else {
          process.stderr.write(`${name}: ${p.phase}${p.attempt > 1 ? ` (attempt ${p.attempt})` : ''}\n`);
        }
      }
      const done = formatBytes(p.bytes);
      const all = formatBytes(p.total);
      const rate = p.rate > 0 ? `${formatBytes(p.rate)}/s` : '';
      if (bar) {
        bar.setTotal(Math.max(total, p.bytes, 1));
        bar.update(p.bytes, { done, all, rate });
      } else if (total > 0) {
        const tenth = Math.floor((p.bytes / total) * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          process.stderr.write(`${name}: ${p.phase} ${tenth * 10}% ${done} of ${all}${rate ? ` at ${rate}` : ''}\n`);
        }
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `earshot models list|pull|verify|rm|path`: the model catalog and the user's model folder. */
export function modelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('list, download, verify and remove speech models')
    .option('--dir <folder>', 'model folder (default: $EARSHOT_MODELS_DIR or the OS data folder)')
    .option('--catalog <file>', 'model catalog (default: models/catalog.json of this install)');

  models
    .command('list')
    .description('catalog models and installed ones, with their state')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const store = openStore(models.opts<ModelsOptions>());
      const list = await store.list();
      if (opts.json) process.stdout.write(`${JSON.stringify({ dir: store.dir, models: list }, null, 2)}\n`);
      else printTable(list, store.dir);
    });

  models
    .command('pull')
    .description('download, check and unpack a model (resumes an interrupted download)')
    .argument('<name>', 'model name from `earshot models list`')
    .option('--keep-archive', 'keep the .tar.bz2 so verify can recheck it')
    .option('--retries <n>', 'automatic resumes after a dropped connection', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new AsrError(ErrorCode.InvalidConfig, `--retries expects an integer >= 0, got '${v}'`);
      return n;
    })
    .action(async (name: string, opts: { keepArchive?: boolean; retries?: number }) => {
      const store = openStore(models.opts<ModelsOptions>(), opts.retries);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      const progress = progressReporter(name);
      try {
        const status = await store.pull(name, { signal: controller.signal, keepArchive: opts.keepArchive, onProgress: (p) => progress.update(p) });
        progress.stop();
        process.stdout.write(`${name}: installed in ${status.path}\n`);
      } catch (err) {
        progress.stop();
        if (controller.signal.aborted) throw new AsrError(ErrorCode.Download, `download of ${name} cancelled; run pull again to resume`);
        throw err;
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    });

  models
    .command('verify')
    .description('recheck an installed model against the SHA-256 recorded at install')
    .argument('<name>')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const store = openStore(models.opts<ModelsOptions>());
      const report = await store.verify(name);
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.ok) process.stdout.write(`${name}: ok (${report.checked.join(', ') || 'nothing recorded to check'}; ${report.filesChecked} files hashed)\n`);
      if (!report.ok) {
        if (!opts.json) for (const p of report.problems) process.stdout.write(`${name}: ${p}\n`);
        const repair = (await store.status(name)).state === 'bundled' ? 'the bundled model ships with Earshot; reinstall it' : 'pull it again to repair';
        throw new AsrError(ErrorCode.Checksum, `${name} failed verification (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}); ${repair}`);
      }
    });

  models
    .command('rm')
    .description('delete an installed model and any partial download')
    .argument('<name>')
    .action(async (name: string) => {
      await openStore(models.opts<ModelsOptions>()).remove(name);
      process.stdout.write(`${name}: removed\n`);
    });

  models
    .command('path')
    .description('print the folder of a usable model (for --model of other commands)')
    .argument('<name>')
    .action(async (name: string) => {
      process.stdout.write(`${await openStore(models.opts<ModelsOptions>()).resolve(name)}\n`);
    });
}
