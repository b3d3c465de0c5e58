import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type ArraySession, nativeArraySession, onnxruntimeNodeArraySession } from './array-session.ts';
import { NativeStreamingEncoder } from './native-streaming-encoder.ts';
import { type EncoderLayout, OrtStreamingEncoder } from './ort-streaming-encoder.ts';
import { type CreatedSession, carriesStates, type SessionFactoryOptions } from './session-factory.ts';
import type { StreamingEncoder } from './streaming-model.ts';

/**
 * The encoder for a loaded session, on the binding createSession opened it with: the ort-values
 * addon (states stay native between calls) or onnxruntime-node. 'native' is refused on a GPU
 * provider (the caller still owns the session then).
 */
export function createStreamingEncoder(
  created: CreatedSession,
  layout: EncoderLayout,
  path: string,
  options: SessionFactoryOptions,
): StreamingEncoder {
  const { binding, provider } = created;
  const carry = carriesStates(options, provider);
  if (binding.kind === 'native') return new NativeStreamingEncoder(binding.addon, binding.session, layout, path, carry);
  if (options.encoderBinding === 'native') {
    throw new AsrError(ErrorCode.ProviderUnavailable, `encoderBinding 'native' runs on the cpu provider only; ${path} runs on ${provider}`);
  }
  return new OrtStreamingEncoder(binding.session, layout, path, carry, provider);
}

/** A decoder or joiner session on the binding it was opened with. */
export function createArraySession(created: CreatedSession, path: string): ArraySession {
  const { binding } = created;
  return binding.kind === 'native' ? nativeArraySession(binding.addon, binding.session, path) : onnxruntimeNodeArraySession(binding.session);
}
