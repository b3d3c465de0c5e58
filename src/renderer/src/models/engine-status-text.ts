import type { EngineStatus } from '../../../shared/ipc-contract.ts';

const PROVIDER_NAMES: Record<string, string> = {
  cpu: 'CPU',
  webgpu: 'GPU (WebGPU)',
  cuda: 'GPU (CUDA)',
  dml: 'GPU (DirectML)',
  coreml: 'GPU (Core ML)',
};

/** A provider as people read it: `webgpu` → "GPU (WebGPU)"; unknown names stay as they are. */
export function providerLabel(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** One sentence for the engine status line; `notice` marks what the user should know (a GPU fallback, a failure). */
export function describeEngineStatus(s: EngineStatus): { text: string; notice: boolean } {
  switch (s.state) {
    case 'remote':
      return { text: 'The server you are connected to chooses its model and hardware.', notice: false };
    case 'stopped':
      return { text: 'The local engine is stopped.', notice: false };
    case 'starting':
      return { text: `Starting ${s.model ?? 'the model'} (${s.requestedProvider === 'gpu' ? 'GPU requested' : 'CPU'})…`, notice: false };
    case 'failed':
      return { text: `The local engine did not start: ${s.error?.message ?? 'unknown error'}${s.error ? ` (${s.error.code})` : ''}`, notice: true };
    case 'running': {
      const on = providerLabel(s.provider ?? 'unknown');
      if (s.gpuFallback) return { text: `Running ${s.model ?? ''} on the CPU: no GPU provider could be used on this computer.`, notice: true };
      return { text: `Running ${s.model ?? ''} on ${on}.`, notice: false };
    }
  }
}
