// W3C Web Annotation TextQuoteSelector: the coded text plus up to 32 UTF-16 units of
// context each side, used to re-anchor a coding after its file changed outside the editor.
export const CONTEXT_LENGTH = 32;

export function makeQuoteSelector(text: string, start: number, end: number): { exact: string; prefix: string; suffix: string } {
  let pStart = Math.max(0, start - CONTEXT_LENGTH);
  // Never begin the prefix on the low half of a surrogate pair, nor end the suffix on a high half.
  if (pStart > 0 && isLowSurrogate(text.charCodeAt(pStart))) pStart++;
  let sEnd = Math.min(text.length, end + CONTEXT_LENGTH);
  if (sEnd < text.length && isLowSurrogate(text.charCodeAt(sEnd))) sEnd--;
  return { exact: text.slice(start, end), prefix: text.slice(pStart, start), suffix: text.slice(end, sEnd) };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
