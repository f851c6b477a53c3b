// What the export tests read: the CLI run in process (its output, failing the test on a non-zero
// exit with its error text), and CSV as the exports write it, parsed back.
import { strict as assert } from 'node:assert';
import { main } from '../../server/src/cli';

/** Runs `qda ARGS` in this process and returns what it printed; a non-zero exit fails the test. */
export async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: process.cwd() });
  assert.equal(code, 0, err);
  return out;
}

/** CSV as the exports write it, parsed back (BOM, quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}
