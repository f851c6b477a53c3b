// The line scan of the project's JSON Lines files (codings, review logs): every non-blank line
// with its 0-based number and its offsets (without the line break, CRLF or LF), and the git
// conflict markers a merge can leave in them. One scan, so both formats treat lines alike.

/** A line git writes into a file it could not merge (<<<<<<<, =======, >>>>>>>, |||||||). */
export const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(?: |$)/;

/** Calls `line` for each non-blank line of `text`, in order. */
export function forEachJsonLine(text: string, line: (raw: string, lineNo: number, start: number, end: number) => void): void {
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = text.length;
    const end = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    const raw = text.slice(pos, end);
    if (raw.trim() !== '') line(raw, lineNo, pos, end);
    pos = eol + 1;
    lineNo++;
  }
}
