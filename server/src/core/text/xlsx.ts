// Workbooks for Excel (.xlsx, Office Open XML) from plain tables: a header row in bold and
// frozen, numbers as numbers, text as text (a cell beginning with = is a string, never a
// formula: every text cell is written with the String type), column widths from the content.
// The OOXML package is made by write-excel-file (MIT, one dependency, fflate), in its universal
// build that needs no file system: the caller writes the bytes.
// Loaded when a workbook is written, not when the server starts: it is a tenth of the bundle,
// and most sessions never save a spreadsheet (cold start, docs/performance.md).
import type { SheetData } from 'write-excel-file/universal';

export type XlsxValue = string | number | null | undefined;

export interface XlsxSheet {
  /** The tab's name; Excel allows 31 characters and none of : \ / ? * [ ]. */
  name: string;
  /** The first row is the header. */
  rows: ReadonlyArray<ReadonlyArray<XlsxValue>>;
  /** Indentation (in levels) of the first cell of each body row, e.g. codes under their theme. */
  indent?: readonly number[];
  /** Columns whose text wraps (long transcript text), by index. */
  wrap?: readonly number[];
  /** Body rows in bold (themes in a matrix), by index into rows (0 = header). */
  bold?: readonly number[];
}

/** A sheet name Excel accepts: forbidden characters replaced, at most 31 characters, unique. */
export function sheetName(name: string, taken: Set<string> = new Set()): string {
  const base = name.replace(/[:\\/?*[\]]/g, '_').replace(/^'+|'+$/g, '').slice(0, 31) || 'Sheet';
  let out = base;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(out.toLowerCase());
  return out;
}

// Characters XML 1.0 cannot hold (Excel refuses the file): dropped from text.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** The .xlsx file of the sheets, as bytes. */
export async function xlsxWorkbook(sheets: readonly XlsxSheet[]): Promise<Uint8Array> {
  const taken = new Set<string>();
  const prepared = sheets.map((sheet) => {
    const wrap = new Set(sheet.wrap ?? []);
    const bold = new Set(sheet.bold ?? []);
    const width = sheet.rows[0]?.length ?? 0;
    const data: SheetData = sheet.rows.map((row, r) =>
      Array.from({ length: Math.max(width, row.length) }, (_, c) => {
        const v = row[c];
        if (v === null || v === undefined || v === '') return null;
        const style = {
          ...(r === 0 || bold.has(r) ? { fontWeight: 'bold' as const } : {}),
          ...(c === 0 && r > 0 && sheet.indent?.[r - 1] ? { indent: sheet.indent[r - 1] } : {}),
          ...(wrap.has(c) && r > 0 ? { wrap: true, alignVertical: 'top' as const } : {}),
        };
        return typeof v === 'number' ? { type: Number, value: v, ...style } : { type: String, value: v.replace(XML_INVALID, ''), ...style };
      }),
    );
    // Widths in characters: the longest cell, capped (wrapped text columns are wide, not endless).
    const columns = Array.from({ length: width }, (_, c) => {
      const longest = Math.max(4, ...sheet.rows.map((row) => String(row[c] ?? '').length + (c === 0 && sheet.indent ? 4 : 0)));
      return { width: wrap.has(c) ? 80 : Math.min(50, longest + 2) };
    });
    return { data, sheet: sheetName(sheet.name, taken), columns, stickyRowsCount: 1 };
  });
  const { default: writeXlsxFile } = await import('write-excel-file/universal');
  const blob = await writeXlsxFile(prepared).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
