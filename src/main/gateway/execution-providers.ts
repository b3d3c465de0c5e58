import type { ExecutionProvider } from '../../shared/settings.ts';

/**
 * onnxruntime-node's GPU providers per platform, most portable first: WebGPU is bundled on every
 * platform (Vulkan, D3D12, Metal), then the platform's own provider where the package has one
 * (DirectML is bundled on Windows, CoreML on macOS; CUDA only after the user installed ORT's CUDA
 * libraries). The engine's session factory tries each alone and ends with 'cpu' by itself.
 */
const GPU_PROVIDERS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: ['webgpu', 'cuda'],
  win32: ['webgpu', 'dml'],
  darwin: ['webgpu', 'coreml'],
};

/** The provider list the engine tries for a setting; 'cpu' is always the engine's last resort. */
export function executionProvidersFor(choice: ExecutionProvider, platform: NodeJS.Platform = process.platform): string[] {
  if (choice === 'cpu') return ['cpu'];
  return [...(GPU_PROVIDERS[platform] ?? ['webgpu']), 'cpu'];
}

/** A GPU was asked for, but the engine runs on the CPU (no GPU provider could load a session). */
export function isGpuFallback(choice: ExecutionProvider, providerInUse: string): boolean {
  return choice === 'gpu' && providerInUse === 'cpu';
}
