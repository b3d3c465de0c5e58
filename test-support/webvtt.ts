import { createRequire } from 'node:module';

// The W3C's reference WebVTT parser (webvtt-parser, devDependency, untyped), with the full
// HTML entity table for spec-compliant decoding (its default table is a small subset).
const require = createRequire(import.meta.url);
const entities = require('webvtt-parser/html-entities.json') as Record<string, string>;
const { WebVTTParser } = require('webvtt-parser') as {
  WebVTTParser: new (entities: Record<string, string>) => {
    parse(
      input: string,
      mode: 'metadata' | 'chapters' | undefined,
    ): {
      cues: Array<{ startTime: number; endTime: number; tree: VttNode }>;
      errors: Array<{ message: string; line: number }>;
    };
  };
};

interface VttNode {
  type: string;
  value?: string;
  children?: VttNode[];
}

export interface VttCue {
  startMs: number;
  endMs: number;
  /** The cue text with markup resolved to plain text (entities decoded). */
  text: string;
}

/** Parses a WebVTT file; returns its cues and the parser's errors (empty for a valid file). */
export function parseWebVtt(text: string): { cues: VttCue[]; errors: string[] } {
  const { cues, errors } = new WebVTTParser(entities).parse(text, undefined);
  const plain = (n: VttNode): string => (n.type === 'text' ? (n.value ?? '') : (n.children ?? []).map(plain).join(''));
  return {
    cues: cues.map((c) => ({ startMs: Math.round(c.startTime * 1000), endMs: Math.round(c.endTime * 1000), text: plain(c.tree) })),
    errors: errors.map((e) => `line ${e.line}: ${e.message}`),
  };
}
