import { InferenceSession, type Tensor } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { identityModel, ONNX_ELEM_TYPE } from './identity-model.ts';

/**
 * Reads tensors a GPU session left on the device (`preferredOutputLocation: 'gpu-buffer'`) back
 * to the host. onnxruntime-node 1.30 cannot: a gpu-buffer tensor's getData() reaches its
 * binding's `download`, which throws a C string ("not implemented") that nothing catches, and
 * the process aborts (measured on an H200, BENCHMARKS.md). So the read goes through onnxruntime
 * itself: a one-node Identity session on the same provider takes the device tensor as its input
 * (sessions of one provider share its device) and returns the output on the host.
 */
export class DeviceReader {
  private constructor(private readonly sessions: ReadonlyMap<string, InferenceSession>) {}

  static async create(provider: string): Promise<DeviceReader> {
    const sessions = new Map<string, InferenceSession>();
    try {
      for (const [type, elemType] of Object.entries(ONNX_ELEM_TYPE)) {
        // Unoptimized, so that the Identity stays a node: a graph whose output is its input would
        // hand the device tensor back as it is instead of copying it to the host.
        const options = { executionProviders: [provider], graphOptimizationLevel: 'disabled', logSeverityLevel: 3 } as const;
        sessions.set(type, await InferenceSession.create(identityModel(elemType), options));
      }
    } catch (err) {
      await Promise.all([...sessions.values()].map((s) => s.release()));
      throw new AsrError(ErrorCode.ProviderUnavailable, `cannot open a read-back session on ${provider}: ${(err as Error).message}`, { cause: err });
    }
    return new DeviceReader(sessions);
  }

  /** The tensor's values on the host (a host tensor's own data, as it is). */
  async read(tensor: Tensor): Promise<Tensor['data']> {
    if (tensor.location === 'cpu') return tensor.data;
    const session = this.sessions.get(tensor.type);
    if (!session) throw new AsrError(ErrorCode.Internal, `cannot read a ${tensor.type} tensor back from the device`);
    const { y } = await session.run({ x: tensor });
    if (y.location !== 'cpu') throw new AsrError(ErrorCode.Internal, `the read-back session left its output on ${y.location}`);
    return y.data;
  }

  async release(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.release()));
  }
}
