import { describe, expect, it } from 'vitest';
import {
  applyFinal,
  DEFAULT_FORMATTER_OPTIONS,
  documentText,
  EMPTY_DOCUMENT,
  formatPartial,
  formatText,
  type DictationDocument,
  type FormatterOptions,
} from './dictation-formatter.ts';

const opts = (o: Partial<FormatterOptions> = {}): FormatterOptions => ({ ...DEFAULT_FORMATTER_OPTIONS, ...o });

/** Applies finals one after another, as a dictation does. */
function dictate(finals: string[], o: Partial<FormatterOptions> = {}): string {
  let doc: DictationDocument = EMPTY_DOCUMENT;
  for (const raw of finals) doc = applyFinal(doc, raw, opts(o)).document;
  return documentText(doc);
}

describe('formatText: one final', () => {
  const cases: Array<[string, string, string]> = [
    ['plain words get a capital', 'hello world', 'Hello world'],
    ['comma', 'hello comma world', 'Hello, world'],
    ['period ends a sentence and capitalizes the next', 'hello period how are you', 'Hello. How are you'],
    ['full stop', 'done full stop next', 'Done. Next'],
    ['question mark', 'are you there question mark', 'Are you there?'],
    ['exclamation mark', 'wow exclamation mark', 'Wow!'],
    ['exclamation point', 'wow exclamation point great', 'Wow! Great'],
    ['colon', 'note colon buy milk', 'Note: buy milk'],
    ['semicolon', 'first semicolon second', 'First; second'],
    ['semi colon as two words', 'first semi colon second', 'First; second'],
    ['new line capitalizes the next line', 'dear sam comma new line thanks', 'Dear sam,\nThanks'],
    ['new paragraph', 'one period new paragraph two', 'One.\n\nTwo'],
    ['open and close quote', 'he said open quote hi close quote', 'He said "hi"'],
    ['quote at the sentence start', 'open quote hello close quote she said', '"Hello" she said'],
    ['mark after a close quote', 'she said open quote no close quote period', 'She said "no".'],
    ['end quote and unquote', 'open quote a end quote open quote b unquote', '"A" "b"'],
    ['standalone i', 'i think i am right', 'I think I am right'],
    ['contractions of i', "i'm sure i've seen it and i'll go", "I'm sure I've seen it and I'll go"],
    ['i inside words untouched', 'it is in italic', 'It is in italic'],
    ['period as the first word is a word', 'period of time', 'Period of time'],
    ['comma as the first word is a word', 'comma is a mark', 'Comma is a mark'],
    ['a mark right after another mark is a word', 'yes period period', 'Yes. Period'],
    ['mark right after a new line is a word', 'hi new line period', 'Hi\nPeriod'],
    ['several commands in a row', 'ok comma new line really question mark new paragraph yes', 'Ok,\nReally?\n\nYes'],
    ['commands are case-insensitive', 'Hello COMMA world', 'Hello, world'],
    ['all-caps model output is lowered first', 'HELLO WORLD PERIOD I AM HERE', 'Hello world. I am here'],
    ['mixed case kept', 'NASA launched it', 'NASA launched it'],
    ['extra whitespace collapses', '  hello \t  world  ', 'Hello world'],
    ['empty input', '', ''],
    ['whitespace only', '   ', ''],
    ['scratch that drops the words before it', 'hello world scratch that good morning', 'Good morning'],
    ['scratch that at the start of everything is harmless', 'scratch that hello', 'Hello'],
    ['scratch that only', 'scratch that', ''],
    ['scratch that twice at start', 'scratch that scratch that ok', 'Ok'],
    ['"new" alone is a word', 'a new idea', 'A new idea'],
    ['"line" alone is a word', 'draw a line', 'Draw a line'],
    ['"that" after scratch is consumed, other scratch is a word', 'scratch the car', 'Scratch the car'],
    ['question without mark is a word', 'a question for you', 'A question for you'],
    ['new line as first command', 'new line hello', '\nHello'],
    ['newline as one word', 'a newline b', 'A\nB'],
    ['unicode first letter', 'élan vital', 'Élan vital'],
    ['numbers then mark', 'call 911 period', 'Call 911.'],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(formatText(raw, opts())).toBe(expected);
  });
});

describe('options', () => {
  it('spokenPunctuation off keeps commands as words', () => {
    expect(formatText('hello comma world new line scratch that', opts({ spokenPunctuation: false }))).toBe(
      'Hello comma world new line scratch that',
    );
  });

  it('autoCapitalize off keeps the words as spoken', () => {
    expect(formatText('hello period i am here', opts({ autoCapitalize: false }))).toBe('hello. i am here');
  });

  const replacements = [
    { from: 'earshot', to: 'Earshot' },
    { from: 'my email', to: 'sam@example.com' },
    { from: 'period', to: 'period' },
    { from: 'iphone', to: 'iPhone' },
    { from: 'smiley', to: ':-)' },
    { from: 'drop', to: '' },
  ];
  const rules: Array<[string, string, string]> = [
    ['single word, any case', 'i love EarShot', 'I love Earshot'],
    ['multi word', 'write to my email please', 'Write to sam@example.com please'],
    ['a rule beats a built-in command', 'the period ended', 'The period ended'],
    ['replacement text keeps its case at a sentence start', 'iphone is here', 'iPhone is here'],
    ['whole words only', 'earshots and dropped', 'Earshots and dropped'],
    ['replacement with punctuation inside', 'hi smiley', 'Hi :-)'],
    ['empty replacement deletes the word', 'please drop this', 'Please this'],
    ['marks still attach after a replacement', 'to my email comma then', 'To sam@example.com, then'],
  ];
  it.each(rules)('replacement: %s', (_name, raw, expected) => {
    expect(formatText(raw, opts({ replacements }))).toBe(expected);
  });

  it('the longer of two overlapping rules wins', () => {
    const r = [
      { from: 'new', to: 'NEW' },
      { from: 'new york', to: 'NYC' },
    ];
    expect(formatText('in new york and new jersey', opts({ replacements: r }))).toBe('In NYC and NEW jersey');
  });
});

describe('across finals', () => {
  const sequences: Array<[string, string[], string]> = [
    ['a space joins finals', ['hello', 'world'], 'Hello world'],
    ['a mark attaches to the previous final', ['hello', 'comma how are you'], 'Hello, how are you'],
    ['a sentence end carries over', ['hello period', 'how are you'], 'Hello. How are you'],
    ['a new line carries over', ['hello new line', 'world'], 'Hello\nWorld'],
    ['an open quote carries over', ['he said open quote', 'hi close quote'], 'He said "hi"'],
    ['scratch that removes the previous final', ['hello there', 'scratch that good bye'], 'Good bye'],
    ['scratch that removes only the last final', ['one period', 'two', 'scratch that three'], 'One. Three'],
    ['scratch that twice removes two finals', ['one', 'two', 'scratch that scratch that', 'four'], 'Four'],
    ['scratch that with nothing committed', ['scratch that', 'ok'], 'Ok'],
    ['mark at the start of a later final attaches', ['yes', 'period'], 'Yes.'],
    ['empty finals change nothing', ['hi', '', '  ', 'there'], 'Hi there'],
  ];
  it.each(sequences)('%s', (_name, finals, expected) => {
    expect(dictate(finals)).toBe(expected);
  });

  it('reports the edit: characters to delete and text to append', () => {
    const first = applyFinal(EMPTY_DOCUMENT, 'hello there', opts());
    expect(first).toMatchObject({ deleteCount: 0, insert: 'Hello there', text: 'Hello there' });
    const second = applyFinal(first.document, 'period', opts());
    expect(second).toMatchObject({ deleteCount: 0, insert: '.', text: 'Hello there.' });
    const third = applyFinal(second.document, 'scratch that ok', opts());
    // Only the last phrase (".") is scratched.
    expect(third).toMatchObject({ deleteCount: 1, insert: ' ok', text: 'Hello there ok' });
    expect(second.text.slice(0, second.text.length - third.deleteCount) + third.insert).toBe('Hello there ok');
  });
});

describe('formatPartial', () => {
  it('formats provisionally without changing the document', () => {
    const doc = applyFinal(EMPTY_DOCUMENT, 'hello period', opts()).document;
    const preview = formatPartial(doc, 'how are you question mark', opts());
    expect(preview.text).toBe('Hello. How are you?');
    expect(preview.insert).toBe(' How are you?');
    expect(preview.document).toBe(doc);
    expect(documentText(doc)).toBe('Hello.');
  });

  it('shows a scratched phrase as deleted', () => {
    const doc = applyFinal(EMPTY_DOCUMENT, 'wrong words', opts()).document;
    const preview = formatPartial(doc, 'scratch that', opts());
    expect(preview).toMatchObject({ text: '', deleteCount: 'Wrong words'.length, insert: '' });
  });

  it('matches the final when the partial becomes final', () => {
    const doc = applyFinal(EMPTY_DOCUMENT, 'dear sam comma', opts()).document;
    const raw = 'new line i hope open quote this close quote works';
    expect(formatPartial(doc, raw, opts()).text).toBe(applyFinal(doc, raw, opts()).text);
  });
});
