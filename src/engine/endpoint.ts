import type { EndpointConfig, EndpointRule } from './recognizer-api.ts';

/** sherpa-onnx's defaults (../shared/MODEL_INTERFACES.md §2.9). */
export const DEFAULT_ENDPOINT_CONFIG: EndpointConfig = {
  enabled: true,
  rule1: { mustContainNonSilence: false, minTrailingSilence: 2.4, minUtteranceLength: 0 },
  rule2: { mustContainNonSilence: true, minTrailingSilence: 1.2, minUtteranceLength: 0 },
  rule3: { mustContainNonSilence: false, minTrailingSilence: 0, minUtteranceLength: 20 },
};

const f32 = Math.fround;

// Feature frame shift, as a float32; sherpa-onnx hard-codes 10 ms and an output subsampling of 4.
const FRAME_SHIFT_S = f32(0.01);
export const OUTPUT_SUBSAMPLING = 4;

function ruleFires(rule: EndpointRule, trailingSilence: number, utteranceLength: number): boolean {
  const containsNonSilence = utteranceLength > trailingSilence;
  return (
    (containsNonSilence || !rule.mustContainNonSilence) &&
    trailingSilence >= f32(rule.minTrailingSilence) &&
    utteranceLength >= f32(rule.minUtteranceLength)
  );
}

function anyRuleFires(config: EndpointConfig, processedFrames: number, trailingSilenceFrames: number): boolean {
  if (!config.enabled) return false;
  const utteranceLength = f32(processedFrames * FRAME_SHIFT_S);
  const trailingSilence = f32(trailingSilenceFrames * FRAME_SHIFT_S);
  return [config.rule1, config.rule2, config.rule3].some((rule) => ruleFires(rule, trailingSilence, utteranceLength));
}

/**
 * True if any rule fires. `processedFrames`: feature frames decoded in this segment;
 * `trailingBlanks`: blank encoder frames at its end. float32 arithmetic, as in sherpa-onnx, so
 * a boundary like 1.2 s decides the same way.
 */
export function isEndpoint(config: EndpointConfig, processedFrames: number, trailingBlanks: number): boolean {
  return anyRuleFires(config, processedFrames, trailingBlanks * OUTPUT_SUBSAMPLING);
}

/**
 * The same rules with the trailing silence counted in feature frames, as sherpa-onnx's streaming
 * Paraformer counts it: the frames decoded since the start of the last chunk that emitted a token.
 */
export function isEndpointInFrames(config: EndpointConfig, processedFrames: number, trailingSilenceFrames: number): boolean {
  return anyRuleFires(config, processedFrames, trailingSilenceFrames);
}
