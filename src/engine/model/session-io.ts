import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { StateSpec, StateType } from './state-batching.ts';

/** What the session declares for one input/output: element type and shape (numbers or symbolic names). */
export interface DeclaredValue {
  name: string;
  type: string | undefined;
  shape: readonly (number | string)[] | undefined;
}

/** What either binding reports for a value: onnxruntime-node's ValueMetadata, or the addon's same fields. */
export interface ValueInfo {
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

export function declaredValue(name: string, meta: ValueInfo | undefined): DeclaredValue {
  if (!meta || !meta.isTensor) return { name, type: undefined, shape: undefined };
  return { name, type: meta.type, shape: meta.shape && meta.shape.length > 0 ? meta.shape : undefined };
}

/**
 * The batch axis of a state: the axis carrying the same symbolic dim as the features' batch axis
 * (e.g. 'N'). Falls back to the family's documented axis when the export left dims unnamed.
 */
export function batchAxisOf(value: DeclaredValue, batchSymbol: string | undefined, fallback: number): number {
  if (batchSymbol === undefined || !value.shape) return fallback;
  const axes = value.shape.flatMap((d, i) => (d === batchSymbol ? [i] : []));
  return axes.length === 1 ? axes[0] : fallback;
}

/** The symbolic name of axis `axis` of a value, if the export named it. */
export function symbolAt(value: DeclaredValue, axis: number): string | undefined {
  const d = value.shape?.[axis];
  return typeof d === 'string' ? d : undefined;
}

/** True when the value's batch axis is a fixed number (a batch-1-only export). */
export function hasFixedBatch(value: DeclaredValue, axis: number): boolean {
  return typeof value.shape?.[axis] === 'number';
}

export function stateTypeOf(value: DeclaredValue, fallback: StateType, path: string): StateType {
  if (value.type === undefined) return fallback;
  if (value.type === 'float32' || value.type === 'int64' || value.type === 'int32') return value.type;
  throw new AsrError(ErrorCode.ModelInvalid, `${path}: state '${value.name}' has unsupported type ${value.type}`);
}

/** Rejects a state whose fixed (non-batch) dims disagree with what the metadata implies. */
export function checkStateShape(spec: StateSpec, value: DeclaredValue, path: string): void {
  if (!value.shape) return;
  const expected = spec.dims;
  const ok =
    value.shape.length === expected.length &&
    value.shape.every((d, i) => i === spec.batchAxis || typeof d !== 'number' || d === expected[i]);
  if (!ok) {
    throw new AsrError(
      ErrorCode.ModelInvalid,
      `${path}: input '${value.name}' has shape [${value.shape.join(', ')}], but the metadata implies [${expected.join(', ')}]`,
    );
  }
}

export function requireCount(values: readonly DeclaredValue[], count: number, what: string, path: string): void {
  if (values.length !== count) {
    throw new AsrError(
      ErrorCode.ModelInvalid,
      `${path}: expected ${count} ${what}, the model has ${values.length} (${values.map((v) => v.name).join(', ')})`,
    );
  }
}

/** A state as the family's metadata implies it: dims for one stream, the documented batch axis, the element type. */
export interface StateShape {
  dims: number[];
  axis: number;
  type: StateType;
}

/**
 * The state specs of a graph whose inputs are [features, ...states] and outputs [main, ...next
 * states], each state in `shapes` order. The batch axis comes from the features' symbolic batch
 * dim where the export named it, else from the shape; every state is checked against the graph.
 */
export function statesAfterFirst(inputs: readonly DeclaredValue[], outputs: readonly DeclaredValue[], shapes: readonly StateShape[], path: string): StateSpec[] {
  const batchSymbol = symbolAt(inputs[0], 0);
  return shapes.map((shape, i) => {
    const input = inputs[i + 1];
    const spec: StateSpec = {
      inputName: input.name,
      outputName: outputs[i + 1].name,
      dims: shape.dims,
      batchAxis: batchAxisOf(input, batchSymbol, shape.axis),
      type: stateTypeOf(input, shape.type, path),
    };
    checkStateShape(spec, input, path);
    return spec;
  });
}
