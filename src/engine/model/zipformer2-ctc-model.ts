import { join } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type ModelFamily, type ModelFiles, pickPrecision } from './model-family.ts';
import { createSession, type SessionFactoryOptions } from './session-factory.ts';
import { createStreamingEncoder } from './streaming-encoder-factory.ts';
import type { CtcModel } from './streaming-model.ts';
import { readZipformer2Meta, zipformer2Layout } from './zipformer2-encoder-layout.ts';

const FAMILY = 'zipformer2-ctc';

/**
 * Streaming zipformer2 CTC (icefall export-onnx-streaming-ctc.py; ../shared/MODEL_INTERFACES.md
 * §3.1): one graph with the zipformer2 encoder's inputs and states whose first output is
 * log_probs (N, T_out, vocab). Files are named `ctc-*.onnx` in sherpa-onnx's releases.
 */
export const zipformer2CtcFamily: ModelFamily = {
  name: FAMILY,

  async detect(dir, fileNames, options, readMetadata) {
    if (!fileNames.includes('tokens.txt')) return null;
    // A transducer folder also has a zipformer2 encoder.onnx; that one is not a CTC model.
    const onnx = fileNames.filter((f) => f.endsWith('.onnx') && !/^(encoder|decoder|joiner)/.test(f));
    const named = onnx.filter((f) => /^(ctc|model)[-.]/.test(f));
    const file = pickPrecision(named.length > 0 ? named : onnx.length === 1 ? onnx : [], options.preferInt8);
    if (!file) return null;
    const path = join(dir, file);
    const meta = await readMetadata(path);
    if (meta.get('model_type') !== 'zipformer2') return null;
    return { family: FAMILY, dir, tokens: join(dir, 'tokens.txt'), onnx: { model: path }, metadata: { model: meta } };
  },

  load: loadZipformer2CtcModel,
};

export async function loadZipformer2CtcModel(files: ModelFiles, options: SessionFactoryOptions): Promise<CtcModel> {
  const path = files.onnx.model;
  const m = readZipformer2Meta(files.metadata.model, path);
  const created = await createSession(path, options, 'encoder');
  try {
    const layout = zipformer2Layout(created, m, 'log_probs', path);
    // As sherpa-onnx: the vocabulary size is the log_probs output's last, fixed dim.
    const vocab = created.outputs[0].shape?.[2];
    if (typeof vocab !== 'number') {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: output '${created.outputs[0].name}' has no fixed vocabulary dim (shape [${created.outputs[0].shape?.join(', ') ?? ''}])`);
    }
    const encoder = createStreamingEncoder(created, layout, path, options);
    return {
      kind: 'ctc',
      family: FAMILY,
      encoder,
      vocabSize: vocab,
      tokensPath: files.tokens,
      provider: created.provider,
      dispose: () => encoder.release(),
    };
  } catch (err) {
    await created.release();
    throw err;
  }
}
