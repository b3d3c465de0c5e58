import type { Check, Ratio, RampRun, VariantRun } from './bench-report.ts';

/** The three systems of every side-by-side run. */
export const EARSHOT = 'earshot';
export const SERIAL = 'serial';
export const SHERPA = 'sherpa-onnx';
/** Earshot decoding with the model folder's token LM (serve --decoding auto): what the LM costs. */
export const EARSHOT_LM = 'earshot-lm';

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

function ratiosAgainstBaselines(what: string, value: (variant: string) => number | undefined, targets: Record<string, number> = {}): Ratio[] {
  const ours = value(EARSHOT);
  if (ours === undefined) return [];
  return [SERIAL, SHERPA].flatMap((baseline) => {
    const theirs = value(baseline);
    if (theirs === undefined) return [];
    const r: Ratio = { name: `${what}: ${EARSHOT} / ${baseline}`, numerator: EARSHOT, denominator: baseline, value: ratio(ours, theirs) };
    if (targets[baseline] !== undefined) r.target = targets[baseline];
    return [r];
  });
}

/** Sessions served (completed with their final) by Earshot relative to each baseline. */
export function servedRatios(runs: readonly VariantRun[]): Ratio[] {
  return ratiosAgainstBaselines('sessions served', (v) => runs.find((r) => r.variant === v)?.result.succeeded);
}

/** Real-time capacity ratios; the targets: ≥ 3× the serial design, ≥ 1.0× sherpa-onnx. */
export function capacityRatios(ramp: readonly RampRun[]): Ratio[] {
  const capacity = (v: string) => ramp.find((r) => r.variant === v)?.capacity;
  const withLm = capacity(EARSHOT_LM);
  const plain = capacity(EARSHOT);
  const lm: Ratio[] =
    withLm !== undefined && plain !== undefined
      ? [{ name: `real-time capacity: ${EARSHOT_LM} / ${EARSHOT}`, numerator: EARSHOT_LM, denominator: EARSHOT, value: ratio(withLm, plain) }]
      : [];
  return [...ratiosAgainstBaselines('real-time capacity', capacity, { [SERIAL]: 3, [SHERPA]: 1 }), ...lm];
}

/** A ratio with a target becomes a check. */
export function ratioChecks(ratios: readonly Ratio[]): Check[] {
  return ratios
    .filter((r) => r.target !== undefined)
    .map((r) => ({
      name: r.name,
      target: `≥ ${r.target}×`,
      measured: formatRatio(r.value),
      pass: r.value === null ? true : r.value >= r.target!,
    }));
}

export function formatRatio(value: number | null): string {
  return value === null ? '∞ (baseline: 0)' : `${value.toFixed(2)}×`;
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
