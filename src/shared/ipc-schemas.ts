import { z } from 'zod';
import { historyQuerySchema, newHistoryEntrySchema } from './history-entry.ts';
import type { EarshotInvokeApi } from './ipc-contract.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { settingsPatchSchema } from './settings.ts';
import { exportFormatSchema } from './transcript-export.ts';

// Argument schemas of the IPC contract, apart from it so the preload bundle stays free of zod.

const modelName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'model names are letters, digits, dot, dash, underscore');
const ids = z.array(z.number().int().positive()).max(100_000);

/** Argument tuples of every invoke method; main rejects anything else with ASR_ERR_BAD_REQUEST. */
export const ipcArgSchemas = {
  getVersion: z.tuple([]),
  getEndpoint: z.tuple([]),
  getSettings: z.tuple([]),
  setSettings: z.tuple([settingsPatchSchema]),
  listHistory: z.tuple([historyQuerySchema]),
  addHistory: z.tuple([newHistoryEntrySchema]),
  deleteHistory: z.tuple([ids.min(1)]),
  clearHistory: z.tuple([]),
  exportHistory: z.tuple([z.object({ format: exportFormatSchema, ids: ids.optional() }).strict()]),
  copyText: z.tuple([z.string().max(1_000_000)]),
  listModels: z.tuple([]),
  selectModel: z.tuple([modelName]),
  downloadModel: z.tuple([modelName]),
  cancelModelDownload: z.tuple([modelName]),
  deleteModel: z.tuple([modelName]),
  getEngineStatus: z.tuple([]),
  setDictationActive: z.tuple([z.boolean()]),
  insertText: z.tuple([
    z.string().max(1_000_000),
    z.object({ deleteBefore: z.number().int().min(0).max(100_000).optional() }).strict().optional(),
  ]),
  getInsertionCapability: z.tuple([]),
  getHotkeyStatus: z.tuple([]),
} as const satisfies Record<keyof EarshotInvokeApi, z.ZodType>;

/** The code a bad argument is rejected with; settings say InvalidConfig, everything else BadRequest. */
export function ipcArgErrorCode(method: keyof EarshotInvokeApi): ErrorCode {
  return method === 'setSettings' ? ErrorCode.InvalidConfig : ErrorCode.BadRequest;
}

/** Parsed (defaults applied) argument tuple of an invoke method. */
export type IpcArgs<K extends keyof EarshotInvokeApi> = z.output<(typeof ipcArgSchemas)[K]>;
