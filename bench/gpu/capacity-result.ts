import type { ProfileSummary } from './ort-profile.ts';

/** One batch size of one variant, as gpu-capacity.ts measures and writes it. */
export interface BatchResult {
  batch: number;
  audioSeconds: number;
  fbankSeconds: number;
  decodeSeconds: number;
  calls: number;
  /** Audio seconds decoded per wall second: real-time streams one decoding loop keeps up with. */
  rtStreams: number;
  msPerCall: number;
}

/** One variant (provider:mode) of a gpu-capacity.ts run. */
export interface VariantResult {
  variant: string;
  provider: string;
  carry: boolean;
  threads: number;
  loadSeconds: number;
  batches: BatchResult[];
  /** Where the last batch size's calls went (--profile). */
  profile?: ProfileSummary;
  error?: string;
}

/** The JSON file gpu-capacity.ts writes (--json). */
export interface CapacityFile {
  date: string;
  modelDir: string;
  clipSeconds: number;
  cores: number;
  results: VariantResult[];
}
