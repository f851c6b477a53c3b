// CSV as Excel and R read it: RFC 4180 quoting, CRLF, UTF-8 with a byte-order mark. A text
// cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading ' (names and
// transcript text come from users and imported files).
import { spreadsheetText } from './markdownText';

export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : spreadsheetText(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvDocument(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return '\uFEFF' + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
