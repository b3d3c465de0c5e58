import { z } from 'zod';

/**
 * The shape of models/catalog.json (documented in docs/models.md).
 * Field names are snake_case because the file is meant to be read and edited by people.
 */

/** Model families Earshot's engine loads today (../shared/DESIGN.md, "Engine"). */
export const ENGINE_FAMILIES = ['zipformer2-transducer', 'zipformer-transducer', 'lstm-transducer', 'zipformer2-ctc', 'nemo-ctc', 'paraformer'] as const;

/** Every family the catalog may name; the ones outside ENGINE_FAMILIES run only in sherpa-onnx for now. */
export const KNOWN_FAMILIES = [...ENGINE_FAMILIES] as const;

export type ModelFamily = (typeof KNOWN_FAMILIES)[number];

/** The files (role -> relative path) each family needs, as in sherpa-onnx's model configs. */
export const FAMILY_ROLES: Record<ModelFamily, readonly string[]> = {
  'zipformer2-transducer': ['encoder', 'decoder', 'joiner', 'tokens'],
  'zipformer-transducer': ['encoder', 'decoder', 'joiner', 'tokens'],
  'lstm-transducer': ['encoder', 'decoder', 'joiner', 'tokens'],
  'nemo-ctc': ['model', 'tokens'],
  'zipformer2-ctc': ['model', 'tokens'],
  paraformer: ['encoder', 'decoder', 'tokens'],
};

/** A folder name that is safe on every OS: no separators, no `..`, no leading dot. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A relative path inside a model folder: forward slashes, no `..`, not absolute. */
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the model folder (no "..", no backslashes)',
  });

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

const fileMap = z.record(z.string().min(1), relativePath);

export const catalogEntrySchema = z
  .object({
    name: z.string().regex(MODEL_NAME, 'must be a plain folder name (letters, digits, . _ -)'),
    title: z.string().min(1),
    family: z.enum(KNOWN_FAMILIES),
    /** 'supported' iff the family is in ENGINE_FAMILIES: an entry can never silently claim support. */
    engine_support: z.enum(['supported', 'not-yet']),
    languages: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)).min(1),
    bundled: z.boolean(),
    /** Bundled models only: the folder relative to the app's root. */
    path: relativePath.nullable(),
    url: z.url({ protocol: /^https?$/ }).nullable(),
    size_bytes: z.number().int().positive().nullable(),
    size_approx: z.boolean(),
    /** SHA-256 of the archive; null where nobody publishes one (then the first download's hash is recorded). */
    sha256: sha256.nullable(),
    /** Where the checksum comes from, so a mismatch can be judged. */
    sha256_source: z.string().min(1).nullable(),
    /** The single top-level folder inside the archive. */
    archive_root: z.string().regex(MODEL_NAME).nullable(),
    files: fileMap,
    /** Other file sets in the same folder (e.g. int8), same roles as `files`. */
    variants: z.record(z.string().regex(/^[a-z0-9-]+$/), fileMap).optional(),
    license: z.string().min(1),
    notes: z.string().min(1),
  })
  .strict()
  .superRefine((e, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const supported = (ENGINE_FAMILIES as readonly string[]).includes(e.family);
    if (supported !== (e.engine_support === 'supported')) {
      issue('engine_support', `family ${e.family} is ${supported ? '' : 'not '}loaded by the engine, so engine_support must be '${supported ? 'supported' : 'not-yet'}'`);
    }
    if (e.bundled) {
      if (!e.path) issue('path', 'a bundled model needs its path');
      if (e.url) issue('url', 'a bundled model is not downloaded');
    } else {
      if (!e.url) issue('url', 'a downloadable model needs a url');
      if (!e.url?.endsWith('.tar.bz2')) issue('url', 'only .tar.bz2 archives are supported');
      if (!e.archive_root) issue('archive_root', 'a downloadable model needs the archive folder name');
      if (e.size_bytes === null) issue('size_bytes', 'a downloadable model needs its (approximate) size');
      if (e.path) issue('path', 'only bundled models have a path');
    }
    if ((e.sha256 === null) !== (e.sha256_source === null)) issue('sha256_source', 'a checksum needs its source, and only a checksum has one');
    for (const [variant, files] of [['files', e.files] as const, ...Object.entries(e.variants ?? {})]) {
      const roles = Object.keys(files).sort().join(',');
      const want = [...FAMILY_ROLES[e.family]].sort().join(',');
      if (roles !== want) issue(variant === 'files' ? 'files' : 'variants', `${variant}: family ${e.family} needs exactly the roles ${want} (got ${roles || 'none'})`);
    }
  });

export const catalogSchema = z
  .object({
    version: z.literal(1),
    models: z.array(catalogEntrySchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name ${m.name}` });
      seen.add(m.name);
    });
  });

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type ModelCatalog = z.infer<typeof catalogSchema>;

export function isEngineFamily(family: string): boolean {
  return (ENGINE_FAMILIES as readonly string[]).includes(family);
}
