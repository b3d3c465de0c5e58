import type { ModelFamily, ModelFiles } from './model-family.ts';
import { detectTransducer, loadTransducer } from './ort-transducer.ts';
import type { SessionFactoryOptions } from './session-factory.ts';
import type { TransducerModel } from './streaming-model.ts';
import { readZipformer2Meta, zipformer2Layout } from './zipformer2-encoder-layout.ts';

const FAMILY = 'zipformer2-transducer';

/** Streaming zipformer2 transducer (icefall export-onnx-streaming.py; ../shared/MODEL_INTERFACES.md §2.2, §2.5). */
export const zipformer2TransducerFamily: ModelFamily = {
  name: FAMILY,

  detect: (dir, fileNames, options, readMetadata) => detectTransducer(FAMILY, 'zipformer2', dir, fileNames, options, readMetadata),

  load: loadZipformer2TransducerModel,
};

export function loadZipformer2TransducerModel(files: ModelFiles, options: SessionFactoryOptions): Promise<TransducerModel> {
  const encPath = files.onnx.encoder;
  const m = readZipformer2Meta(files.metadata.encoder, encPath);
  return loadTransducer(FAMILY, files, options, (encoder) => zipformer2Layout(encoder, m, 'encoder_out', encPath));
}
