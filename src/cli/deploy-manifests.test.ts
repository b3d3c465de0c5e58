import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../test-support/fixture-paths.ts';
import { buildProgram } from './main.ts';
import { ServingMetrics } from '../serving/metrics.ts';
import { ClusterMetrics } from '../serving/cluster/cluster-metrics.ts';
import { ClusterKeys, WORKER_GROUP } from '../serving/cluster/cluster-keys.ts';

/**
 * Docker cannot run here, so deploy/ is checked against the real program instead: every file
 * parses, every CLI flag a manifest passes exists on the real commander command, and every
 * metric a dashboard or alert queries exists in the real metrics registry.
 */
const DEPLOY = join(REPO_ROOT, 'deploy');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : []));
}

function yamlDocs(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }); // compose uses << anchors
  for (const d of docs) expect(d.errors, file).toEqual([]);
  return docs.map((d) => d.toJS());
}

type Obj = Record<string, unknown>;
const compose = yamlDocs(join(DEPLOY, 'docker-compose.yml'))[0] as { services: Record<string, Obj> };
const k8s = files(join(DEPLOY, 'k8s'), /\.ya?ml$/).flatMap((f) => yamlDocs(f) as Obj[]);

/** Every earshot invocation in the manifests: [where, argv after `earshot`]. */
function invocations(): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const [name, svc] of Object.entries(compose.services)) {
    const image = String(svc.image ?? '');
    if (!image.startsWith('earshot')) continue;
    const entry = (svc.entrypoint as string[] | undefined) ?? [];
    const argv = entry.length > 0 ? entry.slice(entry.indexOf('bin/earshot.js') + 1) : (svc.command as string[]);
    out.push([`compose:${name}`, argv.map(String)]);
  }
  for (const doc of k8s) {
    const spec = ((doc.spec as Obj | undefined)?.template as Obj | undefined)?.spec as { containers?: { name: string; image: string; args?: unknown[] }[] } | undefined;
    for (const c of spec?.containers ?? []) if (c.image.startsWith('earshot')) out.push([`k8s:${c.name}`, (c.args ?? []).map(String)]);
  }
  return out;
}

function findCommand(program: Command, argv: string[]): { command: Command; rest: string[]; chain: Command[] } {
  let command = program;
  const chain: Command[] = [program];
  let i = 0;
  for (;;) {
    const sub = command.commands.find((c) => c.name() === argv[i]);
    if (!sub) break;
    command = sub;
    chain.push(sub);
    i++;
    // Group options (e.g. `tokens --redis-url`) may come before the next subcommand.
    while (i < argv.length && argv[i].startsWith('--')) i += command.options.find((o) => o.long === argv[i])?.required ? 2 : 1;
  }
  return { command, rest: argv.slice(chain.length - 1), chain };
}

function flagOf(program: Command, argv: string[], flag: string) {
  const { chain } = findCommand(program, argv);
  return chain.flatMap((c) => c.options).find((o) => o.long === flag);
}

describe('deploy/ manifests against the real CLI and metrics', () => {
  it('every YAML and JSON file parses', () => {
    for (const f of files(DEPLOY, /\.ya?ml$/)) expect(yamlDocs(f).length, f).toBeGreaterThan(0);
    for (const f of files(DEPLOY, /\.json$/)) expect(() => JSON.parse(readFileSync(f, 'utf8')), f).not.toThrow();
    const kinds = k8s.map((d) => d.kind);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'ScaledObject']) expect(kinds).toContain(kind);
  });

  it('every earshot command and flag the manifests use exists on the real program, with a value where one is required', () => {
    const program = buildProgram();
    const seen = invocations();
    expect(seen.map(([w]) => w)).toEqual(expect.arrayContaining(['compose:gateway-1', 'compose:worker', 'compose:tokens', 'k8s:gateway', 'k8s:worker']));
    for (const [where, argv] of seen) {
      const { chain } = findCommand(program, argv);
      expect(chain.length, `${where}: unknown command ${argv[0]}`).toBeGreaterThan(1);
      for (let i = 0; i < argv.length; i++) {
        if (!argv[i].startsWith('--')) continue;
        const opt = flagOf(program, argv, argv[i]);
        expect(opt, `${where}: earshot ${argv[0]} has no flag ${argv[i]}`).toBeDefined();
        if (opt!.required) {
          expect(argv[i + 1], `${where}: ${argv[i]} needs a value`).toBeDefined();
          expect(argv[i + 1].startsWith('--'), `${where}: ${argv[i]} needs a value`).toBe(false);
        }
      }
    }
    // The image runs the CLI, and its default command exists.
    const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/earshot\.js"\]/);
    expect(dockerfile).toMatch(/FROM node:20-bookworm-slim/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // npm ci's postinstall compiles native/ort-values: its sources must be in the image by then.
    expect(dockerfile.indexOf('COPY native ./native')).toBeGreaterThan(0);
    expect(dockerfile.indexOf('COPY native ./native')).toBeLessThan(dockerfile.indexOf('npm ci --omit=dev'));
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    const cmd = /CMD \["(\w+)"\]/.exec(dockerfile)![1];
    expect(program.commands.map((c) => c.name())).toContain(cmd);
  });

  it('every metric the dashboard and the alerts query is exported', async () => {
    const registry = new Registry();
    new ServingMetrics(registry);
    new ClusterMetrics(registry);
    const metrics = (await registry.getMetricsAsJSON()) as unknown as { name: string; type: string }[];
    const known = new Set<string>();
    for (const m of metrics) {
      known.add(m.name);
      if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) known.add(m.name + s);
    }
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'earshot-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const alerts = yamlDocs(join(DEPLOY, 'prometheus', 'alerts.yml'))[0] as { groups: { rules: { expr: string }[] }[] };
    exprs.push(...alerts.groups.flatMap((g) => g.rules.map((r) => r.expr)));
    const keda = k8s.find((d) => d.kind === 'ScaledObject') as { spec: { triggers: { type: string; metadata: Record<string, string> }[] } };
    exprs.push(...keda.spec.triggers.filter((t) => t.type === 'prometheus').map((t) => t.metadata.query));
    const used = new Set(exprs.flatMap((e) => e.match(/earshot_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(known.has(name), `${name} is not exported`).toBe(true);
  });

  it('the pieces point at each other: KEDA stream/group, scrape ports, load-balancer upstreams', () => {
    const program = buildProgram();
    const worker = invocations().find(([w]) => w === 'k8s:worker')![1];
    const model = worker[worker.indexOf('--model') + 1].split('/').pop()!;
    const keda = k8s.find((d) => d.kind === 'ScaledObject') as { spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] } };
    const streams = keda.spec.triggers.find((t) => t.type === 'redis-streams')!.metadata;
    expect(streams.stream).toBe(new ClusterKeys(flagOf(program, worker, '--key-prefix')!.defaultValue as string).assign(model));
    expect(streams.consumerGroup).toBe(WORKER_GROUP);
    expect(k8s.some((d) => d.kind === 'Deployment' && (d.metadata as Obj).name === keda.spec.scaleTargetRef.name)).toBe(true);

    const prometheus = yamlDocs(join(DEPLOY, 'prometheus', 'prometheus.yml'))[0] as { scrape_configs: Obj[] };
    const gatewayTargets = (prometheus.scrape_configs.find((c) => c.job_name === 'earshot-gateway')!.static_configs as { targets: string[] }[])[0].targets;
    const workerPort = (prometheus.scrape_configs.find((c) => c.job_name === 'earshot-worker')!.dns_sd_configs as { port: number }[])[0].port;
    const nginx = readFileSync(join(DEPLOY, 'nginx', 'nginx.conf'), 'utf8');
    for (const [where, argv] of invocations().filter(([w]) => w.startsWith('compose:gateway'))) {
      const target = `${where.slice('compose:'.length)}:${argv[argv.indexOf('--port') + 1]}`;
      expect(gatewayTargets).toContain(target);
      expect(nginx).toContain(`server ${target}`);
    }
    const composeWorker = invocations().find(([w]) => w === 'compose:worker')![1];
    expect(workerPort).toBe(Number(composeWorker[composeWorker.indexOf('--metrics-port') + 1]));
  });
});
