import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a lifetime such as `30d`, `12h`, `45m`, `90s`, `2w` into milliseconds; `never` → undefined. */
export function parseLifetime(text: string): number | undefined {
  if (text === 'never') return undefined;
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!(ms > 0) || !Number.isSafeInteger(ms)) {
    throw new AsrError(ErrorCode.InvalidConfig, `lifetime must look like 30d, 12h, 45m, 90s, 2w or never, got '${text}'`);
  }
  return ms;
}
