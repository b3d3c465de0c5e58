import { readdir, stat } from 'node:fs/promises';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { lstmTransducerFamily } from './lstm-transducer-model.ts';
import type { DetectOptions, ModelFamily, ModelFiles } from './model-family.ts';
import { nemoCtcFamily } from './nemo-ctc-model.ts';
import { type OnnxMetadata, readOnnxMetadata } from './onnx-metadata.ts';
import { paraformerFamily } from './paraformer-model.ts';
import type { SessionFactoryOptions } from './session-factory.ts';
import type { EncoderModel, StreamingModel } from './streaming-model.ts';
import { zipformerTransducerFamily } from './zipformer-transducer-model.ts';
import { zipformer2CtcFamily } from './zipformer2-ctc-model.ts';
import { zipformer2TransducerFamily } from './zipformer2-transducer-model.ts';

/** Known families, most specific first. Silero VAD (§5) goes here later. */
export const MODEL_FAMILIES: readonly ModelFamily[] = [zipformer2TransducerFamily, zipformerTransducerFamily, lstmTransducerFamily, paraformerFamily, zipformer2CtcFamily, nemoCtcFamily];

/** Finds which family a sherpa-onnx-style model folder belongs to, from its files and ONNX metadata. */
export async function detectModel(
  dir: string,
  options: DetectOptions = { preferInt8: false },
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): Promise<ModelFiles & { familyImpl: ModelFamily }> {
  let fileNames: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    fileNames = await readdir(dir);
  } catch {
    throw new AsrError(ErrorCode.ModelNotFound, `model folder not found: ${dir}`);
  }
  if (!fileNames.includes('tokens.txt')) {
    throw new AsrError(ErrorCode.ModelNotFound, `${dir} has no tokens.txt`);
  }
  const cache = new Map<string, Promise<OnnxMetadata>>();
  const readMetadata = (path: string) => {
    let meta = cache.get(path);
    if (!meta) {
      meta = readOnnxMetadata(path);
      cache.set(path, meta);
    }
    return meta;
  };
  for (const family of families) {
    const files = await family.detect(dir, fileNames, options, readMetadata);
    if (files) return { ...files, familyImpl: family };
  }
  const onnx = fileNames.filter((f) => f.endsWith('.onnx'));
  throw new AsrError(
    ErrorCode.ModelInvalid,
    `${dir}: no supported model family (${families.map((f) => f.name).join(', ')}) matches its files [${onnx.join(', ')}] and metadata`,
  );
}

/** Detects the family and loads its sessions. */
export async function loadModel(
  dir: string,
  options: SessionFactoryOptions & Partial<DetectOptions>,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): Promise<StreamingModel> {
  const files = await detectModel(dir, { preferInt8: options.preferInt8 ?? false }, families);
  return files.familyImpl.load(files, options);
}

/** loadModel for code that drives a StreamingEncoder (CTC and transducer families); refuses a Paraformer. */
export async function loadEncoderModel(
  dir: string,
  options: SessionFactoryOptions & Partial<DetectOptions>,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): Promise<EncoderModel> {
  const model = await loadModel(dir, options, families);
  if (model.kind === 'paraformer') {
    await model.dispose();
    throw new AsrError(ErrorCode.ModelInvalid, `${dir}: a ${model.family} model has no streaming encoder`);
  }
  return model;
}
