// Anchoring (see index.ts): the W3C-style selector of a coded passage. A coding holds its
// offsets (UTF-16 code units, end exclusive) and a TextQuoteSelector: the passage's exact text
// with some context each side, by which it is found again when the offsets no longer fit.
import type { TextSource } from '../text/pieceText';

/** Context kept each side of a coded passage (UTF-16 code units), as in the codings file. */
export const CONTEXT_LENGTH = 32;

export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
/** True when offset `i` falls between the two halves of a surrogate pair. */
export function splitsPair(text: TextSource, i: number): boolean {
  return i > 0 && i < text.length && isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1));
}

/**
 * The W3C TextQuoteSelector of text[start, end): the passage and up to `context` UTF-16 units
 * each side, never cutting a surrogate pair in two (the context is shortened by one instead).
 */
export function makeQuoteSelector(text: TextSource, start: number, end: number, context = CONTEXT_LENGTH): QuoteSelector {
  start = clamp(start, 0, text.length);
  end = clamp(end, start, text.length);
  let prefixStart = Math.max(0, start - context);
  if (splitsPair(text, prefixStart)) prefixStart++;
  let suffixEnd = Math.min(text.length, end + context);
  if (splitsPair(text, suffixEnd)) suffixEnd--;
  return { exact: text.slice(start, end), prefix: text.slice(prefixStart, start), suffix: text.slice(end, suffixEnd) };
}

/** A flat copy of a (possibly sliced) string, so that it does not keep its parent alive. */
export function detach(s: string): string {
  return s.length > 12 ? (' ' + s).slice(1) : s;
}

export function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}
