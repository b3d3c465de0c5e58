import type { ReplacementRule } from './settings.ts';

/**
 * Turns recognized words into written text: spoken punctuation and commands, sentence
 * capitalization, standalone "i" → "I", and the user's replacement rules.
 *
 * A dictation is a list of phrases, one per final. Applying a final yields an edit
 * (`deleteCount` characters removed from the end, then `insert` appended) so the caller can
 * update both its display and the application the text went to. Everything here is pure.
 */
export interface FormatterOptions {
  /** Recognize spoken punctuation and commands ("comma", "new line", "scratch that", …). */
  spokenPunctuation: boolean;
  /** Capitalize sentence starts and standalone "i". */
  autoCapitalize: boolean;
  /** Say `from` → write `to`; whole words, any case; checked before the built-in commands. */
  replacements: readonly ReplacementRule[];
}

export const DEFAULT_FORMATTER_OPTIONS: FormatterOptions = {
  spokenPunctuation: true,
  autoCapitalize: true,
  replacements: [],
};

/** The text committed so far, as the phrases that built it (what "scratch that" removes). */
export interface DictationDocument {
  readonly phrases: readonly string[];
}

export const EMPTY_DOCUMENT: DictationDocument = Object.freeze({ phrases: Object.freeze([]) as readonly string[] });

export interface FormatResult {
  /** The document after this text. */
  document: DictationDocument;
  /** Characters to delete from the end of the previous text (a scratched earlier phrase). */
  deleteCount: number;
  /** Text to append after deleting. */
  insert: string;
  /** The whole resulting text. */
  text: string;
}

type Mark = ',' | '.' | '?' | '!' | ':' | ';';

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'literal'; text: string }
  | { kind: 'mark'; mark: Mark; spoken: string }
  | { kind: 'newline'; count: 1 | 2 }
  | { kind: 'open-quote' }
  | { kind: 'close-quote' }
  | { kind: 'scratch' };

type Command = Exclude<Token, { kind: 'word' } | { kind: 'literal' }>;

const mark = (m: Mark, spoken: string): Command => ({ kind: 'mark', mark: m, spoken });

/** Spoken commands by their words; the longest match wins. */
const COMMANDS: ReadonlyArray<readonly [readonly string[], Command]> = [
  [['new', 'paragraph'], { kind: 'newline', count: 2 }],
  [['new', 'line'], { kind: 'newline', count: 1 }],
  [['newline'], { kind: 'newline', count: 1 }],
  [['question', 'mark'], mark('?', 'question mark')],
  [['exclamation', 'mark'], mark('!', 'exclamation mark')],
  [['exclamation', 'point'], mark('!', 'exclamation point')],
  [['full', 'stop'], mark('.', 'full stop')],
  [['period'], mark('.', 'period')],
  [['comma'], mark(',', 'comma')],
  [['colon'], mark(':', 'colon')],
  [['semicolon'], mark(';', 'semicolon')],
  [['semi', 'colon'], mark(';', 'semi colon')],
  [['open', 'quote'], { kind: 'open-quote' }],
  [['begin', 'quote'], { kind: 'open-quote' }],
  [['close', 'quote'], { kind: 'close-quote' }],
  [['end', 'quote'], { kind: 'close-quote' }],
  [['unquote'], { kind: 'close-quote' }],
  [['scratch', 'that'], { kind: 'scratch' }],
];

const SENTENCE_END = /[.?!]["')\]]*\s*$/;
const CAN_TAKE_MARK = /[\p{L}\p{N}"')\]]$/u;
const STANDALONE_I = /^i(['’](m|ve|ll|d|d've))?$/i;

export function documentText(doc: DictationDocument): string {
  return doc.phrases.join('');
}

/** Commits a final: returns the new document and the edit that produced it. */
export function applyFinal(doc: DictationDocument, raw: string, options: FormatterOptions): FormatResult {
  const before = documentText(doc);
  const phrases = [...doc.phrases];
  let current: Token[] = [];
  for (const token of tokenize(raw, options)) {
    if (token.kind !== 'scratch') current.push(token);
    // "scratch that" removes what this final said so far, or else the previous phrase.
    else if (current.length > 0) current = [];
    else phrases.pop();
  }
  const base = phrases.join('');
  const insert = render(base, current, options);
  if (insert !== '') phrases.push(insert);
  const text = base + insert;
  return { document: { phrases }, deleteCount: before.length - base.length, insert, text };
}

/**
 * Formats a partial provisionally: what the text would be if the partial became final now.
 * The document is not changed; call `applyFinal` when the final arrives.
 */
export function formatPartial(doc: DictationDocument, raw: string, options: FormatterOptions): FormatResult {
  const result = applyFinal(doc, raw, options);
  return { ...result, document: doc };
}

/** Formats one standalone piece of text (no earlier context), e.g. a transcribed file. */
export function formatText(raw: string, options: FormatterOptions): string {
  return applyFinal(EMPTY_DOCUMENT, raw, options).text;
}

function tokenize(raw: string, options: FormatterOptions): Token[] {
  // Some models emit ALL CAPS; that carries no casing information, so start from lower case.
  const normalized = /\p{Lu}/u.test(raw) && !/\p{Ll}/u.test(raw) ? raw.toLowerCase() : raw;
  const words = normalized.split(/\s+/).filter((w) => w !== '');
  const lower = words.map((w) => w.toLowerCase());
  const rules = options.replacements
    .map((r) => ({ from: r.from.toLowerCase().split(/\s+/).filter((w) => w !== ''), to: r.to }))
    .filter((r) => r.from.length > 0)
    .sort((a, b) => b.from.length - a.from.length);
  const tokens: Token[] = [];
  for (let i = 0; i < words.length; ) {
    const rule = rules.find((r) => matchesAt(lower, i, r.from));
    if (rule) {
      tokens.push({ kind: 'literal', text: rule.to });
      i += rule.from.length;
      continue;
    }
    const command = options.spokenPunctuation ? longestCommandAt(lower, i) : undefined;
    if (command) {
      tokens.push(command[1]);
      i += command[0].length;
      continue;
    }
    tokens.push({ kind: 'word', text: words[i] });
    i += 1;
  }
  return tokens;
}

function matchesAt(words: readonly string[], at: number, pattern: readonly string[]): boolean {
  if (at + pattern.length > words.length) return false;
  return pattern.every((p, k) => words[at + k] === p);
}

function longestCommandAt(words: readonly string[], at: number): (typeof COMMANDS)[number] | undefined {
  let best: (typeof COMMANDS)[number] | undefined;
  for (const entry of COMMANDS) {
    if (matchesAt(words, at, entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best;
}

/** True when `text` ends inside an open quotation (an odd number of `"`, the last one opening). */
function endsWithOpenQuote(text: string): boolean {
  return text.endsWith('"') && (text.match(/"/g)?.length ?? 0) % 2 === 1;
}

function capitalizeFirst(word: string): string {
  return word.replace(/\p{L}/u, (c) => c.toUpperCase());
}

/** Renders tokens as they continue `base`: spacing, attachment and capitalization. */
function render(base: string, tokens: readonly Token[], options: FormatterOptions): string {
  let out = '';
  const tail = () => base + out;
  const atStart = () => tail() === '' || tail().endsWith('\n');
  const capitalizeNext = () => {
    // An opening quote is transparent: `"` at a sentence start still starts the sentence.
    const t = endsWithOpenQuote(tail()) ? tail().slice(0, -1) : tail();
    return t === '' || t.endsWith('\n') || SENTENCE_END.test(t);
  };
  const needsSpace = () => !atStart() && !/\s$/.test(tail()) && !endsWithOpenQuote(tail());

  const writeWord = (text: string, caseFolding: boolean) => {
    let word = text;
    if (caseFolding && options.autoCapitalize) {
      if (STANDALONE_I.test(word)) word = capitalizeFirst(word);
      if (capitalizeNext()) word = capitalizeFirst(word);
    }
    out += (needsSpace() ? ' ' : '') + word;
  };

  for (const token of tokens) {
    switch (token.kind) {
      case 'word':
        writeWord(token.text, true);
        break;
      case 'literal':
        // The user's replacement is written exactly as they typed it.
        if (token.text !== '') writeWord(token.text, false);
        break;
      case 'mark':
        // A mark needs something to attach to; otherwise it was meant as a word ("Period of…").
        if (CAN_TAKE_MARK.test(tail()) && !endsWithOpenQuote(tail())) out += token.mark;
        else writeWord(token.spoken, true);
        break;
      case 'newline':
        out = out.replace(/[ \t]+$/, '') + '\n'.repeat(token.count);
        break;
      case 'open-quote':
        out += (needsSpace() ? ' ' : '') + '"';
        break;
      case 'close-quote':
        out += '"';
        break;
      case 'scratch':
        break;
    }
  }
  return out;
}
