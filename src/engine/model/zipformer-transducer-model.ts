import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ModelFamily, ModelFiles } from './model-family.ts';
import { type OnnxMetadata, requireInt, requireIntList } from './onnx-metadata.ts';
import { detectTransducer, framesFirstLayout, loadTransducer } from './ort-transducer.ts';
import type { SessionFactoryOptions } from './session-factory.ts';
import { requireCount, type StateShape, statesAfterFirst } from './session-io.ts';
import type { TransducerModel } from './streaming-model.ts';

const FAMILY = 'zipformer-transducer';
const STATE_GROUPS = 7;

/**
 * Zipformer v1 streaming transducer (icefall pruned_transducer_stateless7_streaming, sherpa-onnx
 * `model_type=zipformer`; ../shared/MODEL_INTERFACES.md §2.3, §2.5): x (N, T, 80), then seven
 * state groups (cached_len, cached_avg, cached_key, cached_val, cached_val2, cached_conv1,
 * cached_conv2), each one tensor per encoder stack, all zeros at start.
 */
export const zipformerTransducerFamily: ModelFamily = {
  name: FAMILY,
  detect: (dir, fileNames, options, readMetadata) => detectTransducer(FAMILY, 'zipformer', dir, fileNames, options, readMetadata),
  load: loadZipformerTransducerModel,
};

interface EncoderMeta {
  numEncoderLayers: number[];
  encoderDims: number[];
  attentionDims: number[];
  cnnModuleKernels: number[];
  leftContextLen: number[];
  T: number;
  decodeChunkLen: number;
}

function readEncoderMeta(meta: OnnxMetadata, path: string): EncoderMeta {
  const numEncoderLayers = requireIntList(meta, 'num_encoder_layers', path);
  const stackList = (key: string): number[] => {
    const list = requireIntList(meta, key, path);
    if (list.length !== numEncoderLayers.length) {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}' has ${list.length} stacks, num_encoder_layers has ${numEncoderLayers.length}`);
    }
    return list;
  };
  return {
    numEncoderLayers,
    encoderDims: stackList('encoder_dims'),
    attentionDims: stackList('attention_dims'),
    cnnModuleKernels: stackList('cnn_module_kernels'),
    leftContextLen: stackList('left_context_len'),
    T: requireInt(meta, 'T', path),
    decodeChunkLen: requireInt(meta, 'decode_chunk_len', path),
  };
}

/**
 * Per-stream state shapes (batch 1) in input order: group-major, one per stack within a group, as
 * icefall exports them and sherpa-onnx stacks them. The documented batch axes are the fallback.
 */
function stateShapes(m: EncoderMeta): StateShape[] {
  const perStack = (s: number): StateShape[] => {
    const layers = m.numEncoderLayers[s];
    const dim = m.encoderDims[s];
    const att = m.attentionDims[s];
    const val = Math.floor(att / 2);
    const left = m.leftContextLen[s];
    const conv = m.cnnModuleKernels[s] - 1;
    return [
      { dims: [layers, 1], axis: 1, type: 'int64' },
      { dims: [layers, 1, dim], axis: 1, type: 'float32' },
      { dims: [layers, left, 1, att], axis: 2, type: 'float32' },
      { dims: [layers, left, 1, val], axis: 2, type: 'float32' },
      { dims: [layers, left, 1, val], axis: 2, type: 'float32' },
      { dims: [layers, 1, dim, conv], axis: 1, type: 'float32' },
      { dims: [layers, 1, dim, conv], axis: 1, type: 'float32' },
    ];
  };
  const stacks = m.numEncoderLayers.map((_, s) => perStack(s));
  return Array.from({ length: STATE_GROUPS }, (_, g) => stacks.map((shapes) => shapes[g])).flat();
}

export function loadZipformerTransducerModel(files: ModelFiles, options: SessionFactoryOptions): Promise<TransducerModel> {
  const encPath = files.onnx.encoder;
  const m = readEncoderMeta(files.metadata.encoder, encPath);
  return loadTransducer(FAMILY, files, options, (encoder) => {
    const { inputs, outputs } = encoder;
    const numStates = STATE_GROUPS * m.numEncoderLayers.length;
    requireCount(inputs, 1 + numStates, 'encoder inputs (x, 7 states per encoder stack)', encPath);
    requireCount(outputs, 1 + numStates, 'encoder outputs (encoder_out and one per state)', encPath);
    const specs = statesAfterFirst(inputs, outputs, stateShapes(m), encPath);
    return framesFirstLayout(encoder, specs, { T: m.T, shift: m.decodeChunkLen }, encPath);
  });
}
