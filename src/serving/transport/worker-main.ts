/**
 * Runs inside a worker thread: owns ONE recognizer (one ORT session) and its BatchScheduler,
 * so inference never blocks the gateway's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createOnlineRecognizer } from '../../engine/online-recognizer.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { BatchScheduler } from './batch-scheduler.ts';
import { calibrateRecognizer } from './calibration.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.ts';

const port = parentPort!;
const init = workerData as WorkerInit;

function post(message: FromWorker): void {
  port.postMessage(message);
}

async function load(): Promise<OnlineRecognizer> {
  // Earshot's engine is imported statically so that a bundler (electron-vite) puts it into the
  // worker chunk; other engines (sherpa-onnx for benchmarks) load by module URL.
  if (!init.recognizerModule) return createOnlineRecognizer(init.recognizerConfig);
  const mod = (await import(init.recognizerModule)) as {
    createOnlineRecognizer(config: WorkerInit['recognizerConfig']): OnlineRecognizer | Promise<OnlineRecognizer>;
  };
  return mod.createOnlineRecognizer(init.recognizerConfig);
}

let recognizer: OnlineRecognizer;
try {
  recognizer = await load();
} catch (err) {
  post({ t: 'failed', code: isAsrError(err) ? err.code : ErrorCode.ModelInvalid, message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

const scheduler = new BatchScheduler(recognizer, { maxBatch: init.maxBatch, loopIntervalMs: init.loopIntervalMs }, (events, stats) =>
  post({ t: 'batch', events, stats }),
);

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'open':
      scheduler.open(m.id, m.sampleRate, m.format, m.hotwords);
      break;
    case 'audio':
      scheduler.push(m.id, m.bytes);
      break;
    case 'finish':
      scheduler.finish(m.id);
      break;
    case 'abort':
      scheduler.abort(m.id);
      break;
    case 'calibrate':
      void calibrateRecognizer(recognizer, m.streams, m.seconds, init.maxBatch).then((r) => post({ t: 'calibrated', ...r }));
      break;
    case 'close':
      void scheduler
        .stop()
        .then(() => recognizer.dispose())
        .finally(() => {
          post({ t: 'closed' });
          port.close();
        });
      break;
  }
});

scheduler.start();
post({ t: 'ready', modelInfo: recognizer.modelInfo, provider: recognizer.provider, encoderBinding: recognizer.encoderBinding });
