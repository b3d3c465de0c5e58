import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { DEFAULT_ENDPOINT_CONFIG } from '../src/engine/endpoint.ts';
import { createOnlineRecognizer } from '../src/engine/online-recognizer.ts';
import type { EngineRecognizerConfigInput } from '../src/engine/online-recognizer-config.ts';
import type { EndpointConfig, OnlineRecognizer, StreamOptions } from '../src/engine/recognizer-api.ts';
import { startClusterGateway, type ClusterGateway } from '../src/serving/cluster/cluster-gateway.ts';
import { defaultClusterWorkerConfig } from '../src/serving/cluster/cluster-worker.ts';
import { defaultGatewayLinkConfig } from '../src/serving/cluster/gateway-link.ts';
import { startWorkerHost, type WorkerHost } from '../src/serving/cluster/worker-host.ts';
import { defaultPoolConfig, defaultServingConfig, type PoolConfig, type ServingConfig } from '../src/serving/serving-config.ts';
import type { WavAudio } from '../src/serving/wav-reader.ts';
import { FIXTURE_MODELS } from './fixture-paths.ts';

/**
 * Helpers for the cluster tests: short utterances (an endpoint every second of audio, so a few
 * seconds of speech make several utterances even with a random-weight model), in-process and
 * child-process gateways and workers, and the engine's own per-utterance finals to compare with.
 */
export const CLUSTER_MODEL = FIXTURE_MODELS.nemoCtc;
export const UTTERANCE_SECONDS = 1;
export const CLUSTER_ENDPOINT: EndpointConfig = { ...DEFAULT_ENDPOINT_CONFIG, rule3: { ...DEFAULT_ENDPOINT_CONFIG.rule3, minUtteranceLength: UTTERANCE_SECONDS } };

const silent = pino({ level: 'silent' });
const BIN = new URL('../bin/earshot.js', import.meta.url).pathname;

export function loadClusterRecognizer(options: Partial<EngineRecognizerConfigInput> = {}): Promise<OnlineRecognizer> {
  return createOnlineRecognizer({ modelDir: CLUSTER_MODEL, providers: ['cpu'], numThreads: 1, endpoint: CLUSTER_ENDPOINT, ...options });
}

/** What the batch scheduler reports for one stream: non-empty finals at endpoints, then the last one. */
export async function directFinals(recognizer: OnlineRecognizer, audio: WavAudio, options?: StreamOptions): Promise<string[]> {
  const stream = recognizer.createStream(options);
  stream.acceptWaveform(audio.sampleRate, audio.samples);
  stream.inputFinished();
  const finals: string[] = [];
  while (recognizer.isReady(stream)) {
    await recognizer.decodeStreams([stream]);
    if (recognizer.isEndpoint(stream)) {
      const text = recognizer.getResult(stream).text;
      if (text !== '') finals.push(text);
      recognizer.reset(stream);
    }
  }
  const last = recognizer.getResult(stream).text;
  if (last !== '' || finals.length === 0) finals.push(last);
  return finals;
}

export function clip(audio: WavAudio, fromSeconds: number, seconds: number): WavAudio {
  const a = Math.round(fromSeconds * audio.sampleRate);
  return { ...audio, samples: audio.samples.subarray(a, a + Math.round(seconds * audio.sampleRate)) };
}

export async function startTestWorker(redisUrl: string, prefix: string, capacity: number, overrides: Partial<PoolConfig> = {}): Promise<WorkerHost> {
  const pool = { ...defaultPoolConfig(CLUSTER_MODEL), workers: 1, threadsPerWorker: 1, maxBatch: 16, ...overrides };
  return startWorkerHost({
    pool,
    capacity,
    calibrationHeadroom: 0.8,
    endpoint: CLUSTER_ENDPOINT,
    cluster: { ...defaultClusterWorkerConfig(redisUrl), keyPrefix: prefix, heartbeatMs: 250, ttlMs: 2500, claimIdleMs: 5000 },
    logger: silent,
  });
}

export async function startTestGateway(redisUrl: string, prefix: string, overrides: Partial<ServingConfig> = {}): Promise<ClusterGateway> {
  const config = { ...defaultServingConfig(CLUSTER_MODEL), port: 0, queueStatusIntervalMs: 200, ...overrides };
  return startClusterGateway(config, { link: { ...defaultGatewayLinkConfig(redisUrl), keyPrefix: prefix, tickMs: 50, ttlMs: 15_000 }, logger: silent, noWorkerTimeoutMs: 20_000 });
}

export interface EarshotProcess {
  child: ChildProcess;
  /** The first JSON line the command printed on stdout (listening / ready). */
  hello: Record<string, unknown>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

/** Spawns `earshot <args>` and waits for its first JSON line on stdout. */
export function spawnEarshot(args: string[], env: Record<string, string> = {}): Promise<EarshotProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        const hello = JSON.parse(line) as Record<string, unknown>;
        resolve({
          child,
          hello,
          exited,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      } catch {
        reject(new Error(`earshot ${args[0]} printed ${line}`));
      }
    });
    void exited.then((code) => reject(new Error(`earshot ${args[0]} exited (${code}) before starting:\n${stderr}`)));
  });
}
