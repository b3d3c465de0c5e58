import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type OnnxMetadata, requireInt, requireIntList } from './onnx-metadata.ts';
import { featureDimOf, framesFirstLayout } from './ort-transducer.ts';
import type { EncoderLayout } from './ort-streaming-encoder.ts';
import type { CreatedSession } from './session-factory.ts';
import { requireCount, type StateShape, statesAfterFirst } from './session-io.ts';

/**
 * The streaming zipformer2 encoder's inputs and states (../shared/MODEL_INTERFACES.md §2.2), shared
 * by the transducer's encoder.onnx and the CTC model (§3.1), whose graphs differ only in the first
 * output: encoder_out or log_probs.
 */

const STATES_PER_LAYER = 6;

export interface Zipformer2Meta {
  numEncoderLayers: number[];
  encoderDims: number[];
  cnnModuleKernels: number[];
  leftContextLen: number[];
  queryHeadDims: number[];
  valueHeadDims: number[];
  numHeads: number[];
  T: number;
  decodeChunkLen: number;
}

export function readZipformer2Meta(meta: OnnxMetadata, path: string): Zipformer2Meta {
  const m: Zipformer2Meta = {
    numEncoderLayers: requireIntList(meta, 'num_encoder_layers', path),
    encoderDims: requireIntList(meta, 'encoder_dims', path),
    cnnModuleKernels: requireIntList(meta, 'cnn_module_kernels', path),
    leftContextLen: requireIntList(meta, 'left_context_len', path),
    queryHeadDims: requireIntList(meta, 'query_head_dims', path),
    valueHeadDims: requireIntList(meta, 'value_head_dims', path),
    numHeads: requireIntList(meta, 'num_heads', path),
    T: requireInt(meta, 'T', path),
    decodeChunkLen: requireInt(meta, 'decode_chunk_len', path),
  };
  const stacks = m.numEncoderLayers.length;
  for (const key of ['encoder_dims', 'cnn_module_kernels', 'left_context_len', 'query_head_dims', 'value_head_dims', 'num_heads']) {
    const n = requireIntList(meta, key, path).length;
    if (n !== stacks) {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}' has ${n} stacks, num_encoder_layers has ${stacks}`);
    }
  }
  if (meta.get('feature') === 'whisper') {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: whisper-feature zipformer2 models are not supported`);
  }
  return m;
}

/** Per-stream state shapes (batch 1), in input order, with the documented batch axes as fallback. */
function stateShapes(m: Zipformer2Meta, featureDim: number): StateShape[] {
  const shapes: StateShape[] = [];
  m.numEncoderLayers.forEach((layers, i) => {
    const keyDim = m.queryHeadDims[i] * m.numHeads[i];
    const valueDim = m.valueHeadDims[i] * m.numHeads[i];
    const left = m.leftContextLen[i];
    const conv = Math.floor(m.cnnModuleKernels[i] / 2);
    for (let j = 0; j < layers; j++) {
      shapes.push(
        { dims: [left, 1, keyDim], axis: 1, type: 'float32' },
        { dims: [1, 1, left, (3 * m.encoderDims[i]) / 4], axis: 1, type: 'float32' },
        { dims: [left, 1, valueDim], axis: 1, type: 'float32' },
        { dims: [left, 1, valueDim], axis: 1, type: 'float32' },
        { dims: [1, m.encoderDims[i], conv], axis: 0, type: 'float32' },
        { dims: [1, m.encoderDims[i], conv], axis: 0, type: 'float32' },
      );
    }
  });
  const embed = Math.floor((Math.floor((featureDim - 1) / 2) - 1) / 2);
  shapes.push({ dims: [1, 128, 3, embed], axis: 0, type: 'float32' }, { dims: [1], axis: 0, type: 'int64' });
  return shapes;
}

/**
 * The encoder layout of an opened zipformer2 graph: x, 6 states per layer, embed_states and
 * processed_lens (int64) in; `firstOutput` and one next state per state out. Checks counts and shapes.
 */
export function zipformer2Layout(session: CreatedSession, m: Zipformer2Meta, firstOutput: string, path: string): EncoderLayout {
  const { inputs, outputs } = session;
  const numLayers = m.numEncoderLayers.reduce((a, b) => a + b, 0);
  const numStates = STATES_PER_LAYER * numLayers + 2;
  requireCount(inputs, 1 + numStates, 'inputs (x, 6 states per layer, embed_states, processed_lens)', path);
  requireCount(outputs, 1 + numStates, `outputs (${firstOutput} and one per state)`, path);
  const specs = statesAfterFirst(inputs, outputs, stateShapes(m, featureDimOf(inputs[0])), path);
  return framesFirstLayout(session, specs, { T: m.T, shift: m.decodeChunkLen }, path);
}
