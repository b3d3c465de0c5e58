import { EARSHOT, EARSHOT_LM, SERIAL, SHERPA } from '../report/comparison.ts';

export const VARIANT_NAMES = [EARSHOT, SERIAL, SHERPA, EARSHOT_LM] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export interface VariantSpec {
  name: VariantName;
  description: string;
  /** `earshot` CLI arguments (without --port). */
  args: string[];
}

/** Server settings shared by every variant of one run, so that only the design differs. */
export interface ServeSettings {
  model: string;
  workers?: number;
  threads?: number;
  maxBatch?: number;
  capacity?: string;
  /** Search of every variant (serve --decoding); sherpa-onnx-node's only is greedy_search. */
  decoding: string;
  /** Extra `earshot serve` arguments, verbatim. */
  extraArgs: string[];
}

const DESCRIPTIONS: Record<VariantName, string> = {
  [EARSHOT]: 'Earshot as configured: batched worker pool + admission control + waiting room',
  [SERIAL]: "the old design (serve --serial): one worker, batch size 1, no admission control",
  [SHERPA]: "sherpa-onnx-node's recognizer behind the same gateway, pool and admission (serve --engine sherpa-onnx)",
  [EARSHOT_LM]: "Earshot as configured, searching with the model folder's token LM where it ships one (serve --decoding auto)",
};

export function isVariantName(name: string): name is VariantName {
  return (VARIANT_NAMES as readonly string[]).includes(name);
}

/** `earshot serve` arguments of each variant. */
export function variantSpecs(names: readonly VariantName[], s: ServeSettings): VariantSpec[] {
  const common = ['serve', '--model', s.model, '--log-level', 'warn', '--shutdown-grace-ms', '2000'];
  if (s.workers !== undefined) common.push('--workers', String(s.workers));
  if (s.threads !== undefined) common.push('--threads', String(s.threads));
  if (s.maxBatch !== undefined) common.push('--max-batch', String(s.maxBatch));
  if (s.capacity !== undefined) common.push('--capacity', s.capacity);
  common.push('--decoding', s.decoding);
  common.push(...s.extraArgs);
  return names.map((name) => ({
    name,
    description: DESCRIPTIONS[name],
    args: name === SERIAL ? [...common, '--serial'] : name === SHERPA ? [...common, '--engine', 'sherpa-onnx'] : name === EARSHOT_LM ? [...common, '--decoding', 'auto'] : common,
  }));
}
