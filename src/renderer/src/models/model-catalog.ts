import { z } from 'zod';
import { AsrError } from '../../../shared/errors.ts';
import type { ModelInfo } from '../../../shared/ipc-contract.ts';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';

// Only the fields the read-only web view shows; the desktop's model manager owns the rest.
const catalogSchema = z.object({
  version: z.literal(1),
  models: z.array(
    z.object({
      name: z.string().min(1),
      title: z.string().optional(),
      notes: z.string().optional(),
      languages: z.array(z.string()).default([]),
      bundled: z.boolean().default(false),
      size_bytes: z.number().nullable().optional(),
    }),
  ),
});

/** models/catalog.json as the web page shows it: bundled models are the ones the server has. */
export function parseModelCatalog(json: unknown, activeModel: string): ModelInfo[] {
  const r = catalogSchema.safeParse(json);
  if (!r.success) throw new AsrError(ErrorCode.ModelInvalid, `the model catalog is not readable: ${r.error.issues[0]?.message ?? ''}`);
  return r.data.models.map((m) => ({
    name: m.name,
    description: [m.title, m.notes].filter(Boolean).join(' — '),
    language: m.languages.join(', '),
    sizeBytes: m.size_bytes ?? 0,
    builtin: m.bundled,
    installed: m.bundled,
    active: m.bundled && m.name === activeModel,
  }));
}
