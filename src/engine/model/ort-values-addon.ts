import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import type { ValueInfo } from './session-io.ts';
import type { StateData, StateType } from './state-batching.ts';

/**
 * The ort-values addon (native/ort-values): ONNX Runtime sessions whose outputs stay native
 * tensors between calls, on the libonnxruntime that onnxruntime-node ships. Optional: where it
 * is not built (no C compiler, not Linux) the engine runs on onnxruntime-node alone.
 */

/** An opaque handle to a native tensor; freed by `release` or when garbage-collected. */
export interface NativeValue {
  readonly __nativeValue: unique symbol;
}

/** A session input: a native tensor, or a typed array and its dims (wrapped for one call, no copy). */
export type NativeInput = NativeValue | [StateData, readonly number[]];

export interface NativeSession {
  readonly handle: unknown;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Each input and output as onnxruntime-node's inputMetadata/outputMetadata reports it. */
  readonly inputs: readonly NativeValueInfo[];
  readonly outputs: readonly NativeValueInfo[];
}

/** A declared value: element type ('unknown' for types onnxruntime-node has no name for) and dims (a size, or a symbolic name, '' when unnamed). */
export interface NativeValueInfo extends ValueInfo {
  readonly name: string;
}

export interface OrtValuesAddon {
  /** Loads the runtime library once; returns its version. */
  init(libraryPath: string): string;
  /** CPU session; graphOptimizationLevel 0 (off), 1 (basic), 2 (extended) or 99 (all). */
  createSession(modelPath: string, intraOpThreads: number, interOpThreads: number, graphOptimizationLevel: number): NativeSession;
  releaseSession(handle: unknown): void;
  /** Inputs and outputs in the session's declared order. Synchronous. */
  run(handle: unknown, inputs: readonly NativeInput[]): NativeValue[];
  /** Like run, with the outputs copied into new typed arrays (no handles). */
  runToArrays(handle: unknown, inputs: readonly NativeInput[]): StateData[];
  info(value: NativeValue): { type: StateType; dims: number[] };
  /** A copy of the tensor's data. */
  read(value: NativeValue): StateData;
  fromArray(data: StateData, dims: readonly number[]): NativeValue;
  /** Concatenation along `axis`. */
  stack(values: readonly NativeValue[], axis: number): NativeValue;
  /** Pieces of size 1 along `axis`. */
  unstack(value: NativeValue, axis: number): NativeValue[];
  /** Frees now (one value or many); anything else passed is ignored. */
  release(value: NativeValue | readonly NativeValue[]): void;
}

export const ADDON_FILE = 'earshot-ort-values.node';

export type AddonLoad = { ok: true; addon: OrtValuesAddon; version: string } | { ok: false; reason: string };

let loaded: AddonLoad | undefined;

/** The addon with its runtime initialized, or why it is not available (cached). */
export function loadOrtValuesAddon(): AddonLoad {
  try {
    loaded ??= tryLoad();
  } catch (err) {
    // Never fatal: the engine runs on onnxruntime-node alone without the addon.
    loaded = { ok: false, reason: `looking for ${ADDON_FILE}: ${(err as Error).message}` };
  }
  return loaded;
}

function tryLoad(): AddonLoad {
  const addonPath = addonCandidates().find((p) => existsSync(p));
  if (!addonPath) return { ok: false, reason: `${ADDON_FILE} is not built (npm run build:native)` };
  const library = runtimeLibrary();
  if (!library) return { ok: false, reason: `no libonnxruntime found in onnxruntime-node for ${process.platform}-${process.arch}` };
  try {
    const addon = createRequire(import.meta.url)(addonPath) as OrtValuesAddon;
    return { ok: true, addon, version: addon.init(library) };
  } catch (err) {
    return { ok: false, reason: `${addonPath}: ${(err as Error).message}` };
  }
}

/** An explicit path, the packaged app's resources, then native/build above this module (source or bundle). */
function addonCandidates(): string[] {
  const found: string[] = [];
  if (process.env.EARSHOT_ORT_VALUES_ADDON) found.push(resolve(process.env.EARSHOT_ORT_VALUES_ADDON));
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) found.push(join(resources, 'native', ADDON_FILE));
  let dir = import.meta.dirname;
  for (let up = 0; up < 5; up++, dir = dirname(dir)) found.push(join(dir, 'native', 'build', ADDON_FILE));
  return found;
}

/** The libonnxruntime inside onnxruntime-node (outside the asar archive in a packaged app). */
function runtimeLibrary(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    return undefined;
  }
  root = root.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  const bin = join(root, 'bin');
  if (!existsSync(bin)) return undefined;
  for (const napi of readdirSync(bin).sort().reverse()) {
    const candidate = join(bin, napi, process.platform, process.arch, 'libonnxruntime.so.1');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
