// Decode WAV files with sherpa-onnx-node's streaming recognizer (the reference runtime for
// the NeMo cache-aware CTC layout and for transducers), one stream at a time on one thread.
// Usage: node sherpa_decode.cjs MODEL_DIR LIST_FILE > results.jsonl
//   LIST_FILE: one WAV path per line. Output: {"path","text","audio_s","decode_s","cpu_s"} per line.
// Needs sherpa-onnx-node on the module path (e.g. NODE_PATH=<repo>/node_modules).
'use strict';
const fs = require('fs');
const path = require('path');
const sherpa = require('sherpa-onnx-node');

const [modelDir, listFile] = process.argv.slice(2);
const TAIL_PAD_S = 0.66;  // trailing silence, as the sherpa-onnx examples add before finishing

// A folder with encoder.onnx holds a transducer (train_transducer.py); else a NeMo CTC model.
const isTransducer = fs.existsSync(path.join(modelDir, 'encoder.onnx'));
const recognizer = new sherpa.OnlineRecognizer({
  modelConfig: {
    ...(isTransducer
      ? { transducer: { encoder: path.join(modelDir, 'encoder.onnx'),
                        decoder: path.join(modelDir, 'decoder.onnx'),
                        joiner: path.join(modelDir, 'joiner.onnx') } }
      : { nemoCtc: { model: path.join(modelDir, 'model.onnx') } }),
    tokens: path.join(modelDir, 'tokens.txt'),
    numThreads: 1,
    provider: 'cpu',
  },
  featConfig: { sampleRate: 16000, featureDim: 80 },
  decodingMethod: 'greedy_search',
});

for (const file of fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean)) {
  const wave = sherpa.readWave(file);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const stream = recognizer.createStream();
  stream.acceptWaveform({ samples: wave.samples, sampleRate: wave.sampleRate });
  stream.acceptWaveform({ samples: new Float32Array(Math.round(TAIL_PAD_S * wave.sampleRate)),
                          sampleRate: wave.sampleRate });
  stream.inputFinished();
  while (recognizer.isReady(stream)) recognizer.decode(stream);
  const text = recognizer.getResult(stream).text.trim();
  const decodeS = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  const cpuS = (c1.user + c1.system) / 1e6;  // CPU time: fair on a shared machine
  process.stdout.write(JSON.stringify({
    path: file, text, audio_s: wave.samples.length / wave.sampleRate, decode_s: decodeS, cpu_s: cpuS,
  }) + '\n');
}
