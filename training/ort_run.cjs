// Run model.onnx with onnxruntime-node on a sequence of windows, feeding the caches back,
// to compare with PyTorch numerically (used by export.py --numeric).
// Usage: node ort_run.cjs MODEL IN.json OUT.json
//   IN.json: {"windows": [[...flat (N*80*W) floats...], ...], "shapes": {...}, "n": N}
//   OUT.json: {"logprobs": [[...flat...], ...], "input_names": [...], "output_names": [...]}
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inFile, outFile] = process.argv.slice(2);
  const inp = JSON.parse(fs.readFileSync(inFile, 'utf8'));
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const { n, shapes } = inp;
  const zeros = (shape) => new Float32Array(shape.reduce((a, b) => a * b, 1));
  let ch = new ort.Tensor('float32', zeros(shapes.cache_last_channel), shapes.cache_last_channel);
  let tm = new ort.Tensor('float32', zeros(shapes.cache_last_time), shapes.cache_last_time);
  let ln = new ort.Tensor('int64', new BigInt64Array(n), [n]);
  const out = { logprobs: [], input_names: s.inputNames, output_names: s.outputNames };
  for (const w of inp.windows) {
    const r = await s.run({
      audio_signal: new ort.Tensor('float32', Float32Array.from(w), shapes.audio_signal),
      length: new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(shapes.audio_signal[2])), [n]),
      cache_last_channel: ch, cache_last_time: tm, cache_last_channel_len: ln,
    });
    out.logprobs.push(Array.from(r.logprobs.data));
    ch = r.cache_last_channel_next;
    tm = r.cache_last_time_next;
    ln = r.cache_last_channel_next_len;
  }
  fs.writeFileSync(outFile, JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
