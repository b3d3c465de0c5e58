import { access } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { loadOrtValuesAddon, type NativeSession, type OrtValuesAddon } from './ort-values-addon.ts';
import { type DeclaredValue, declaredValue } from './session-io.ts';
import { type GraphOutput, readGraphOutputs } from './onnx-graph-outputs.ts';
import { releaseOnce } from './release-once.ts';

export interface SessionFactoryOptions {
  /** Execution providers to try, one at a time, in order; 'cpu' is always the last resort. */
  providers: readonly string[];
  /** Intra-op threads of each session. */
  numThreads: number;
  /**
   * Encoder states between calls (state-carry.ts): 'auto' carries them on the CPU provider, where
   * the oracle tests cover it, and not on a GPU provider (the one WebGPU run of it aborted, see
   * BENCHMARKS.md); 'on' carries them on any provider (on WebGPU they stay on the device), 'off'
   * splits every call's outputs at once.
   */
  carryStates?: CarryStates;
  /**
   * How the encoder calls onnxruntime (streaming-encoder-factory.ts): 'auto' uses the ort-values
   * addon on the CPU provider where it is built, else onnxruntime-node; 'native' requires the
   * addon; 'onnxruntime-node' never uses it.
   */
  encoderBinding?: EncoderBinding;
}

export type CarryStates = 'auto' | 'on' | 'off';
export const CARRY_STATES: readonly CarryStates[] = ['auto', 'on', 'off'];
export type EncoderBinding = 'auto' | 'native' | 'onnxruntime-node';
export const ENCODER_BINDINGS: readonly EncoderBinding[] = ['auto', 'native', 'onnxruntime-node'];

/** Whether an encoder on this provider carries its states. */
export function carriesStates(options: SessionFactoryOptions, provider: string): boolean {
  const mode = options.carryStates ?? 'auto';
  return mode === 'on' || (mode === 'auto' && provider === 'cpu');
}

export interface ProviderFailure {
  provider: string;
  message: string;
}

/** A loaded session on the binding that runs it. */
export type SessionBinding =
  | { kind: 'onnxruntime-node'; session: InferenceSession }
  | { kind: 'native'; addon: OrtValuesAddon; session: NativeSession };

export interface CreatedSession {
  binding: SessionBinding;
  /** The provider the session really runs on. */
  provider: string;
  /** Providers tried before it, and why each failed. */
  failures: ProviderFailure[];
  /** Declared inputs and outputs, in the model's order (the same on either binding). */
  inputs: DeclaredValue[];
  outputs: DeclaredValue[];
  /** Frees the session; a second call does nothing. */
  release(): Promise<void>;
}

/** Graph optimization level 'all' in the ONNX Runtime C API, as sessionOptions() sets for onnxruntime-node. */
const OPTIMIZE_ALL = 99;

/**
 * Creates an ORT session, trying each provider alone: a list such as ['webgpu','cpu'] does not
 * fall back by itself in onnxruntime-node, it throws if the first one fails. On the CPU provider
 * the model is opened once, on the binding `encoderBinding` picks: 'auto' and 'native' use the
 * ort-values addon, 'auto' falling back to onnxruntime-node where the addon is not built or the
 * model has outputs it cannot hand over; 'native' fails instead.
 */
export async function createSession(
  modelPath: string,
  options: SessionFactoryOptions,
  /** 'encoder': a streaming encoder, whose outputs a WebGPU session keeps on the device. */
  role: 'encoder' | 'other' = 'other',
): Promise<CreatedSession> {
  try {
    await access(modelPath);
  } catch {
    throw new AsrError(ErrorCode.ModelNotFound, `model file not found: ${modelPath}`);
  }
  const order = [...new Set(options.providers.filter((p) => p !== 'cpu')), 'cpu'];
  const failures: ProviderFailure[] = [];
  let graphOutputs: Promise<GraphOutput[]> | undefined;
  // The file's declared outputs decide the binding before the model is opened, so it is opened once.
  const declared = () => (graphOutputs ??= readGraphOutputs(modelPath));
  for (const provider of order) {
    if (provider === 'cpu' && (options.encoderBinding ?? 'auto') !== 'onnxruntime-node') {
      const native = openNative(modelPath, options, await declared());
      if (!('error' in native)) return { ...native, provider, failures };
      if (options.encoderBinding === 'native') throw native.error;
    }
    try {
      // On WebGPU a carrying encoder keeps its float state outputs on the device: it names them.
      const onDevice = role === 'encoder' && provider === 'webgpu' && carriesStates(options, provider) ? deviceOutputs(await declared()) : [];
      const session = await InferenceSession.create(modelPath, sessionOptions(provider, options.numThreads, onDevice));
      return { ...onnxruntimeNodeSession(session), provider, failures };
    } catch (err) {
      failures.push({ provider, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const cpu = failures[failures.length - 1];
  throw new AsrError(ErrorCode.ModelInvalid, `cannot load ${modelPath}: ${cpu.message}`, { cause: failures });
}

type OpenedSession = Omit<CreatedSession, 'provider' | 'failures'>;

function onnxruntimeNodeSession(session: InferenceSession): OpenedSession {
  return {
    binding: { kind: 'onnxruntime-node', session },
    inputs: session.inputNames.map((name, i) => declaredValue(name, session.inputMetadata?.[i])),
    outputs: session.outputNames.map((name, i) => declaredValue(name, session.outputMetadata?.[i])),
    release: releaseOnce(() => session.release()),
  };
}

/** The model on the ort-values addon, or the error 'native' reports when it cannot run there. */
function openNative(modelPath: string, options: SessionFactoryOptions, declared: readonly GraphOutput[]): OpenedSession | { error: AsrError } {
  const load = loadOrtValuesAddon();
  if (!load.ok) return { error: nativeUnavailable(load.reason) };
  // Outputs the file leaves untyped are checked once the session has inferred them, below.
  const refused = unsupportedOutputs(declared.filter((o) => o.isTensor !== undefined));
  if (refused) return { error: nativeUnavailable(refused) };
  let session: NativeSession;
  try {
    session = load.addon.createSession(modelPath, options.numThreads, 1, OPTIMIZE_ALL);
  } catch (err) {
    const message = `cannot load ${modelPath}: ${(err as Error).message}`;
    return { error: new AsrError(ErrorCode.ModelInvalid, message, { cause: err }) };
  }
  const outputs = session.outputs.map((o) => declaredValue(o.name, o));
  // The file left some output types to inference: the opened session knows them.
  const refusedNow = unsupportedOutputs(outputs);
  if (refusedNow) {
    load.addon.releaseSession(session.handle);
    return { error: nativeUnavailable(refusedNow) };
  }
  return {
    binding: { kind: 'native', addon: load.addon, session },
    inputs: session.inputs.map((i) => declaredValue(i.name, i)),
    outputs,
    release: releaseOnce(() => load.addon.releaseSession(session.handle)),
  };
}

/** The tensor types the addon hands over (a model with other outputs stays on onnxruntime-node). */
const NATIVE_TYPES: readonly string[] = ['float32', 'int32', 'int64'];

/** Why the addon cannot hand over these outputs, or undefined when it can. */
function unsupportedOutputs(outputs: readonly GraphOutput[]): string | undefined {
  const names = outputs.filter((o) => o.isTensor === false || !o.type || !NATIVE_TYPES.includes(o.type)).map((o) => o.name);
  return names.length > 0 ? `outputs ${names.join(', ')} are not float32, int32 or int64 tensors` : undefined;
}

function nativeUnavailable(reason: string): AsrError {
  return new AsrError(ErrorCode.ProviderUnavailable, `encoderBinding 'native' is not available: ${reason}`);
}

function sessionOptions(provider: string, numThreads: number, onDevice: readonly string[] = []): InferenceSession.SessionOptions {
  return {
    ...(onDevice.length > 0
      ? { preferredOutputLocation: Object.fromEntries(onDevice.map((name) => [name, 'gpu-buffer' as const])) }
      : {}),
    executionProviders: [provider],
    intraOpNumThreads: numThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Warnings about unused initializers etc. are noise for users; errors still throw.
    logSeverityLevel: 3,
  };
}

/**
 * Outputs a WebGPU encoder keeps on the device: the float32 ones after the first (the states).
 * The first (log-probs / encoder_out) is read every call anyway, and int64 values (lengths,
 * counters) are tiny and may live on the CPU side of the graph.
 */
function deviceOutputs(outputs: readonly GraphOutput[]): string[] {
  return outputs.filter((o, i) => i > 0 && o.isTensor && o.type === 'float32').map((o) => o.name);
}
