import type { OnnxMetadata } from './onnx-metadata.ts';
import type { SessionFactoryOptions } from './session-factory.ts';
import type { StreamingModel } from './streaming-model.ts';

export interface DetectOptions {
  /** Pick `*.int8.onnx` files when a folder has both precisions. */
  preferInt8: boolean;
}

/** The files of one model folder, as a family recognized them. */
export interface ModelFiles {
  family: string;
  dir: string;
  tokens: string;
  /** Role → absolute path, e.g. { encoder, decoder, joiner } or { model }. */
  onnx: Record<string, string>;
  /** Role → that file's ONNX metadata. */
  metadata: Record<string, OnnxMetadata>;
}

/**
 * A model family (sherpa-onnx's split: one implementation per layout). New families (silero VAD
 * next) plug in by adding an entry to the registry in model-detector.ts.
 */
export interface ModelFamily {
  readonly name: string;
  /**
   * Claims the folder if its file layout and metadata belong to this family, else returns null.
   * `fileNames` are the folder's entries; metadata reads are cached per path by `readMetadata`.
   */
  detect(
    dir: string,
    fileNames: readonly string[],
    options: DetectOptions,
    readMetadata: (path: string) => Promise<OnnxMetadata>,
  ): Promise<ModelFiles | null>;
  load(files: ModelFiles, options: SessionFactoryOptions): Promise<StreamingModel>;
}

/** Of `candidates`, the int8 or the full-precision file as asked, falling back to the other. */
export function pickPrecision(candidates: readonly string[], preferInt8: boolean): string | undefined {
  const sorted = [...candidates].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const int8 = sorted.filter((f) => f.includes('.int8.'));
  const full = sorted.filter((f) => !f.includes('.int8.'));
  return (preferInt8 ? (int8[0] ?? full[0]) : (full[0] ?? int8[0])) ?? undefined;
}
