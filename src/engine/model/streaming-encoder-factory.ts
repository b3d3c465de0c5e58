import type { InferenceSession } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type ArraySession, nativeArraySession, onnxruntimeNodeArraySession } from './array-session.ts';
import { NativeStreamingEncoder } from './native-streaming-encoder.ts';
import { type EncoderLayout, OrtStreamingEncoder } from './ort-streaming-encoder.ts';
import { loadOrtValuesAddon } from './ort-values-addon.ts';
import { carriesStates, type SessionFactoryOptions } from './session-factory.ts';
import type { StreamingEncoder } from './streaming-model.ts';

/** Graph optimization level 'all', as session-factory.ts sets for onnxruntime-node. */
const OPTIMIZE_ALL = 99;

/**
 * The encoder for a loaded session. On the CPU provider, 'auto' and 'native' run it on the
 * ort-values addon (states stay native between calls; the onnxruntime-node session, which served
 * to read the model's inputs and outputs, is released); 'auto' falls back to onnxruntime-node
 * where the addon is not built, 'native' fails instead (the caller still owns the session then).
 * GPU providers always use onnxruntime-node.
 */
export async function createStreamingEncoder(
  session: InferenceSession,
  provider: string,
  layout: EncoderLayout,
  path: string,
  options: SessionFactoryOptions,
): Promise<StreamingEncoder> {
  const binding = options.encoderBinding ?? 'auto';
  const carry = carriesStates(options, provider);
  if (binding === 'onnxruntime-node') return new OrtStreamingEncoder(session, layout, path, carry);
  if (provider !== 'cpu') {
    if (binding === 'native') {
      throw new AsrError(ErrorCode.ProviderUnavailable, `encoderBinding 'native' runs on the cpu provider only; ${path} runs on ${provider}`);
    }
    return new OrtStreamingEncoder(session, layout, path, carry);
  }
  const load = loadOrtValuesAddon();
  const unsupported = unsupportedOutputs(session);
  let reason: string;
  if (unsupported.length > 0) {
    reason = `outputs ${unsupported.join(', ')} are not float32, int32 or int64 tensors`;
  } else if (load.ok) {
    try {
      const native = load.addon.createSession(path, options.numThreads, 1, OPTIMIZE_ALL);
      await session.release();
      return new NativeStreamingEncoder(load.addon, native, layout, path, carry);
    } catch (err) {
      reason = (err as Error).message;
    }
  } else reason = load.reason;
  if (binding === 'native') {
    throw new AsrError(ErrorCode.ProviderUnavailable, `encoderBinding 'native' is not available: ${reason}`);
  }
  return new OrtStreamingEncoder(session, layout, path, carry);
}

/**
 * A decoder or joiner session on the binding its encoder uses: on the addon when the encoder runs
 * there (the onnxruntime-node session is then released), else on onnxruntime-node.
 */
export async function createArraySession(
  session: InferenceSession,
  path: string,
  encoder: StreamingEncoder,
  options: SessionFactoryOptions,
): Promise<ArraySession> {
  const load = loadOrtValuesAddon();
  if (encoder.binding !== 'native' || !load.ok || unsupportedOutputs(session).length > 0) return onnxruntimeNodeArraySession(session);
  let native;
  try {
    native = load.addon.createSession(path, options.numThreads, 1, OPTIMIZE_ALL);
  } catch (err) {
    throw new AsrError(ErrorCode.ModelInvalid, `cannot load ${path}: ${(err as Error).message}`, { cause: err });
  }
  await session.release();
  return nativeArraySession(load.addon, native, path);
}

/** The addon hands over float32, int32 and int64 tensors only (a model with others stays on onnxruntime-node). */
function unsupportedOutputs(session: InferenceSession): string[] {
  return session.outputNames.filter((name, i) => {
    const meta = session.outputMetadata?.[i];
    return !meta?.isTensor || !['float32', 'int32', 'int64'].includes(meta.type);
  });
}
