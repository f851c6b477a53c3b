// Text that a user named (codes, descriptions, informant labels, speakers, coders, memo titles)
// written into Markdown that others render (hovers, exported appendices, quote banks): every
// character that Markdown or HTML could turn into markup, a link or an image is escaped, so a
// description with <script>, ![](https://…) or [x](javascript:…) reads as exactly those
// characters. CommonMark allows a backslash before any ASCII punctuation.

/** `s` as Markdown that renders as the text itself, on one line. */
export function markdownText(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/([\\`*_[\]<>&!|~#])/g, '\\$1');
}

/** `s` as one CSV-safe cell value: a spreadsheet would run one starting with = + - @ as a formula. */
export function spreadsheetText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
