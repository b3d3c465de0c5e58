/** A SubRip cue as read back from a file. */
export interface SrtCue {
  startMs: number;
  endMs: number;
  text: string;
}

/**
 * A strict SubRip reader for tests: numbered blocks from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`,
 * non-empty text lines, a blank line between blocks and a final newline. Throws on anything else.
 */
export function parseSrt(text: string): SrtCue[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('SRT: the file does not end with a newline');
  const blocks = text.slice(0, -1).split('\n\n');
  const time = (h: string, m: string, s: string, ms: string) => ((+h * 60 + +m) * 60 + +s) * 1000 + +ms;
  return blocks.map((block, i) => {
    const [index, timing, ...lines] = block.split('\n');
    if (index !== String(i + 1)) throw new Error(`SRT: block ${i + 1} is numbered '${index}'`);
    const t = /^(\d{2}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d),(\d{3})$/.exec(timing ?? '');
    if (!t) throw new Error(`SRT: bad timing line in block ${i + 1}: ${timing}`);
    if (lines.length === 0) throw new Error(`SRT: block ${i + 1} has no text`);
    for (const line of lines) {
      if (line.trim() === '') throw new Error(`SRT: block ${i + 1} has a blank text line`);
      if (line.includes('-->')) throw new Error(`SRT: block ${i + 1} has an arrow in its text`);
    }
    return { startMs: time(t[1], t[2], t[3], t[4]), endMs: time(t[5], t[6], t[7], t[8]), text: lines.join('\n') };
  });
}
