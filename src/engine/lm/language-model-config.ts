import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { LanguageModelConfig } from '../recognizer-api.ts';

/**
 * A model folder may ship a token n-gram LM for beam search (CTC or transducer), described by this file:
 * `{"model": "lm.arpa", "scale": 0.5, "tokenBonus": 1}` — the weights measured with that LM and
 * that acoustic model (training/lm_probe.py), the ARPA path relative to the folder.
 */
export const LM_CONFIG_FILE = 'lm.json';

export const languageModelSchema = z.object({
  model: z.string().min(1),
  scale: z.number().finite().nonnegative(),
  tokenBonus: z.number().finite(),
});

/** The LM a recognizer uses: an explicit config, the folder's lm.json ('auto'; none if absent), or none. */
export async function resolveLanguageModel(lm: LanguageModelConfig | 'auto' | 'none', modelDir: string): Promise<LanguageModelConfig | null> {
  if (lm === 'none') return null;
  if (lm !== 'auto') return { ...lm, model: inFolder(modelDir, lm.model) };
  const file = join(modelDir, LM_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  let parsed: z.infer<typeof languageModelSchema>;
  try {
    parsed = languageModelSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new AsrError(ErrorCode.ModelInvalid, `${file}: ${err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message}`);
  }
  return { ...parsed, model: inFolder(modelDir, parsed.model) };
}

function inFolder(modelDir: string, path: string): string {
  return isAbsolute(path) ? path : join(modelDir, path);
}
