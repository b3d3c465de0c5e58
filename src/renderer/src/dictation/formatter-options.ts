import type { FormatterOptions } from '../../../shared/dictation-formatter.ts';
import type { Settings } from '../../../shared/settings.ts';

/** The formatter's options are a slice of the user's settings. */
export function toFormatterOptions(s: Settings): FormatterOptions {
  return { spokenPunctuation: s.spokenPunctuation, autoCapitalize: s.autoCapitalize, replacements: s.replacements };
}
