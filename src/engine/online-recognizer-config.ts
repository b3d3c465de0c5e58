import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import { z } from 'zod';
import { DEFAULT_ENDPOINT_CONFIG } from './endpoint.ts';
import { languageModelSchema } from './lm/language-model-config.ts';
import { CARRY_STATES, type CarryStates, ENCODER_BINDINGS, type EncoderBinding } from './model/session-factory.ts';
import { SPECTRUM_BACKENDS, type SpectrumBackend } from './features/power-spectrum.ts';
import type { DecodingMethod, EndpointRule, OnlineRecognizerConfig } from './recognizer-api.ts';

/** The public config plus engine-only knobs (sherpa-onnx options with the same meaning). */
export interface EngineRecognizerConfig extends OnlineRecognizerConfig {
  /** Pick *.int8.onnx files when the folder has both. */
  preferInt8: boolean;
  /** Subtracted from the blank logit of transducers (0 = off). */
  blankPenalty: number;
  /**
   * FFT of the fbank: 'wasm' (PFFFT, SIMD, float32 like sherpa-onnx's kaldi-native-fbank; the
   * default, falls back to 'js' where WebAssembly SIMD is missing) or 'js' (float64).
   */
  fbankBackend: SpectrumBackend;
  /** Encoder states kept batched between calls: 'auto' (on the CPU provider), 'on', 'off'. */
  carryStates: CarryStates;
  /**
   * 'auto' (default): on the CPU provider the encoder runs on the ort-values addon, its states
   * kept as native tensors between calls, where the addon is built; 'native' requires it;
   * 'onnxruntime-node' never uses it.
   */
  encoderBinding: EncoderBinding;
}

export type EngineRecognizerConfigInput = Partial<Omit<EngineRecognizerConfig, 'endpoint'>> & {
  modelDir: string;
  endpoint?: Partial<OnlineRecognizerConfig['endpoint']>;
};

export const DEFAULT_RECOGNIZER_CONFIG: Omit<EngineRecognizerConfig, 'modelDir'> = {
  providers: [],
  numThreads: 1,
  decodingMethod: 'greedy_search',
  maxActivePaths: 4,
  lm: 'auto',
  hotwordsScore: 2,
  endpoint: DEFAULT_ENDPOINT_CONFIG,
  preferInt8: false,
  blankPenalty: 0,
  fbankBackend: 'wasm',
  carryStates: 'auto',
  encoderBinding: 'auto',
};

const DECODING_METHODS: readonly DecodingMethod[] = ['greedy_search', 'modified_beam_search'];

/** Fills defaults and validates. */
export function resolveRecognizerConfig(input: EngineRecognizerConfigInput): EngineRecognizerConfig {
  const config: EngineRecognizerConfig = {
    ...DEFAULT_RECOGNIZER_CONFIG,
    ...stripUndefined(input),
    modelDir: input.modelDir,
    endpoint: { ...DEFAULT_ENDPOINT_CONFIG, ...stripUndefined(input.endpoint ?? {}) },
  };
  validateRecognizerConfig(config);
  return config;
}

export function validateRecognizerConfig(c: EngineRecognizerConfig): void {
  const fail = (msg: string): never => {
    throw new AsrError(ErrorCode.InvalidConfig, `recognizer config: ${msg}`);
  };
  if (typeof c.modelDir !== 'string' || c.modelDir === '') fail('modelDir must be a non-empty path');
  if (!Array.isArray(c.providers) || c.providers.some((p) => typeof p !== 'string' || p === '')) {
    fail('providers must be a list of provider names');
  }
  if (!Number.isInteger(c.numThreads) || c.numThreads < 1 || c.numThreads > 256) fail(`numThreads must be an integer in [1, 256], got ${c.numThreads}`);
  if (!DECODING_METHODS.includes(c.decodingMethod)) fail(`decodingMethod must be one of ${DECODING_METHODS.join(', ')}, got ${String(c.decodingMethod)}`);
  if (!Number.isInteger(c.maxActivePaths) || c.maxActivePaths < 1 || c.maxActivePaths > 64) {
    fail(`maxActivePaths must be an integer in [1, 64], got ${c.maxActivePaths}`);
  }
  if (c.lm !== 'auto' && c.lm !== 'none') {
    const lm = languageModelSchema.safeParse(c.lm);
    if (!lm.success) fail(`lm must be 'auto', 'none' or {model, scale >= 0, tokenBonus}: ${z.prettifyError(lm.error)}`);
  }
  if (!Number.isFinite(c.hotwordsScore) || c.hotwordsScore < 0 || c.hotwordsScore > 20) fail(`hotwordsScore must be a number in [0, 20], got ${c.hotwordsScore}`);
  if (typeof c.preferInt8 !== 'boolean') fail('preferInt8 must be a boolean');
  if (!Number.isFinite(c.blankPenalty) || c.blankPenalty < 0) fail(`blankPenalty must be a number >= 0, got ${c.blankPenalty}`);
  if (!SPECTRUM_BACKENDS.includes(c.fbankBackend)) fail(`fbankBackend must be one of ${SPECTRUM_BACKENDS.join(', ')}, got ${String(c.fbankBackend)}`);
  if (!CARRY_STATES.includes(c.carryStates)) fail(`carryStates must be one of ${CARRY_STATES.join(', ')}, got ${String(c.carryStates)}`);
  if (!ENCODER_BINDINGS.includes(c.encoderBinding)) {
    fail(`encoderBinding must be one of ${ENCODER_BINDINGS.join(', ')}, got ${String(c.encoderBinding)}`);
  }
  if (typeof c.endpoint.enabled !== 'boolean') fail('endpoint.enabled must be a boolean');
  for (const name of ['rule1', 'rule2', 'rule3'] as const) validateRule(c.endpoint[name], name, fail);
}

function validateRule(rule: EndpointRule | undefined, name: string, fail: (msg: string) => never): void {
  if (!rule || typeof rule !== 'object') fail(`endpoint.${name} is missing`);
  const r = rule as EndpointRule;
  if (typeof r.mustContainNonSilence !== 'boolean') fail(`endpoint.${name}.mustContainNonSilence must be a boolean`);
  for (const key of ['minTrailingSilence', 'minUtteranceLength'] as const) {
    if (!Number.isFinite(r[key]) || r[key] < 0) fail(`endpoint.${name}.${key} must be a number of seconds >= 0, got ${r[key]}`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
