import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { NativeSession, OrtValuesAddon } from './ort-values-addon.ts';
import type { StateData } from './state-batching.ts';
import { releaseOnce } from './release-once.ts';

/** One input: the values and their dims. */
export type ArrayInput = [StateData, readonly number[]];

/**
 * A small session (a transducer's decoder or joiner) whose inputs and outputs are plain typed
 * arrays, in the model's declared order. Two bindings, as for the encoder: onnxruntime-node's JS
 * API, or the ort-values addon (synchronous, no Tensor objects or promise hops per call — these
 * sessions run several times per encoder call).
 */
export interface ArraySession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(inputs: readonly ArrayInput[]): Promise<StateData[]>;
  release(): Promise<void>;
}

export function onnxruntimeNodeArraySession(session: InferenceSession): ArraySession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs) {
      const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new Tensor(inputs[i][0], inputs[i][1])]));
      const out = await session.run(feeds);
      return session.outputNames.map((name) => out[name].data as StateData);
    },
    release: () => session.release(),
  };
}

export function nativeArraySession(addon: OrtValuesAddon, session: NativeSession, path: string): ArraySession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs) {
      try {
        return addon.runToArrays(session.handle, inputs);
      } catch (err) {
        throw new AsrError(ErrorCode.ModelInvalid, `${path}: ${(err as Error).message}`, { cause: err });
      }
    },
    release: releaseOnce(() => addon.releaseSession(session.handle)),
  };
}
