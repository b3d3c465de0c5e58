/**
 * Text of a Paraformer token sequence as sherpa-onnx's online Paraformer assembles it: CJK and
 * other non-ASCII tokens are joined directly, ASCII words are separated by spaces, a piece ending
 * in `@@` joins the token after it, and ASCII meets non-ASCII with a space. Tests on bytes, as
 * the C++ code: a token is "ASCII" when its first UTF-8 byte is. The result starts with a space
 * when the first token is ASCII; callers trim it.
 */

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A first byte below 0x80 (an empty string's is the terminating NUL). */
const startsAscii = (s: string): boolean => s.length === 0 || s.charCodeAt(0) < 0x80;

/**
 * sherpa-onnx's "ends with @@" test: the last byte is '@' and the one before is '@' too, or the
 * token has at most two bytes (so `x@` counts, and loses both bytes).
 */
function continues(sym: string): boolean {
  return sym.endsWith('@') && (utf8Length(sym) <= 2 || sym[sym.length - 2] === '@');
}

/** Drops the last two bytes of a continuing piece (both ASCII when it has more than two). */
function withoutMarker(sym: string): string {
  return utf8Length(sym) <= 2 ? '' : sym.slice(0, -2);
}

/** `symbols`: the tokens in display form (SymbolTable.display). */
export function paraformerText(symbols: readonly string[]): string {
  let text = '';
  let mergeable = false;
  symbols.forEach((sym, i) => {
    if (continues(sym)) {
      text += mergeable ? withoutMarker(sym) : ' ' + withoutMarker(sym);
      mergeable = true;
    } else if (startsAscii(sym)) {
      text += mergeable ? sym : ' ' + sym;
      mergeable = false;
    } else {
      if (i > 0 && startsAscii(symbols[i - 1])) text += ' ';
      text += sym;
      mergeable = false;
    }
  });
  return text;
}
