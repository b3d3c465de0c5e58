/** Field names of an entry in a gateway's results stream (short: there is one per partial). */
export const ResultField = {
  Session: 'sid',
  Type: 't',
  Epoch: 'e',
  Utterance: 'u',
  Text: 'x',
  Start: 's',
  End: 'f',
  Tokens: 'k',
  Timestamps: 'ts',
  Seconds: 'p',
  Code: 'c',
  Message: 'm',
} as const;

export type ResultType = 'partial' | 'final' | 'progress' | 'end' | 'error';
