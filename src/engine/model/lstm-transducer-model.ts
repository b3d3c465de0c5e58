import type { ModelFamily, ModelFiles } from './model-family.ts';
import { requireInt } from './onnx-metadata.ts';
import { detectTransducer, framesFirstLayout, loadTransducer } from './ort-transducer.ts';
import type { SessionFactoryOptions } from './session-factory.ts';
import { requireCount, type StateShape, statesAfterFirst } from './session-io.ts';
import type { TransducerModel } from './streaming-model.ts';

const FAMILY = 'lstm-transducer';

/**
 * sherpa-onnx's `lstm` transducer layout (icefall lstm_transducer_stateless2;
 * ../shared/MODEL_INTERFACES.md §2.3): x (N, T, 80) and two states, state0
 * (layers, N, d_model) and state1 (layers, N, rnn_hidden_size), batch axis 1, zeros at start.
 * The states are opaque to the runtime, so Earshot's own GRU transducer uses this layout too
 * (state0 = GRU hidden states, state1 = causal-convolution caches; training/transducer.py).
 */
export const lstmTransducerFamily: ModelFamily = {
  name: FAMILY,
  detect: (dir, fileNames, options, readMetadata) => detectTransducer(FAMILY, 'lstm', dir, fileNames, options, readMetadata),
  load: loadLstmTransducerModel,
};

export function loadLstmTransducerModel(files: ModelFiles, options: SessionFactoryOptions): Promise<TransducerModel> {
  const encPath = files.onnx.encoder;
  const meta = files.metadata.encoder;
  const layers = requireInt(meta, 'num_encoder_layers', encPath);
  const dModel = requireInt(meta, 'd_model', encPath);
  const hidden = requireInt(meta, 'rnn_hidden_size', encPath);
  const T = requireInt(meta, 'T', encPath);
  const chunkShift = requireInt(meta, 'decode_chunk_len', encPath);
  return loadTransducer(FAMILY, files, options, (encoder) => {
    const { inputs, outputs } = encoder;
    requireCount(inputs, 3, 'encoder inputs (x, state0, state1)', encPath);
    requireCount(outputs, 3, 'encoder outputs (encoder_out, new_state0, new_state1)', encPath);
    const shapes = [dModel, hidden].map((width): StateShape => ({ dims: [layers, 1, width], axis: 1, type: 'float32' }));
    const specs = statesAfterFirst(inputs, outputs, shapes, encPath);
    return framesFirstLayout(encoder, specs, { T, shift: chunkShift }, encPath);
  });
}
