// The codebook as a thesis appendix: theme › group › code with description, number of
// codings and informants, and one example quote per code with its informant. Formats:
// Markdown, .docx (the `docx` library) and CSV (RFC 4180, UTF-8 with BOM for Excel).
import type { Paragraph, Table, TableCell, TableRow } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import type { CodebookCategory, CodebookCode } from '../model/model';
import type { CodingInfo, Project } from '../project/project';
import { countWords } from '../text/text';
import { markdownText } from '../text/markdownText';
import { csvField } from '../text/csv';

export interface OverviewCategory {
  kind: 'category';
  name: string;
  level: number;
  path: string[];
  description: string;
  codes: number;
  codings: number;
  informants: number;
}

export interface OverviewCode {
  kind: 'code';
  name: string;
  description: string;
  categoryPath: string[];
  parentCode?: string;
  /** 0 for a top-level code, 1 for a child code, … */
  depth: number;
  codings: number;
  informants: string[];
  coders: string[];
  example?: { text: string; informant: string; doc: string };
}

export type OverviewEntry = OverviewCategory | OverviewCode;

export interface CodebookOverview {
  title: string;
  language: 'nb' | 'en';
  /** Categories and codes in codebook order. */
  entries: OverviewEntry[];
}

const EXAMPLE_MAX_WORDS = 60;

/** One representative quote: anchored, one informant, the fullest of 5–60 words; else the shortest usable one. */
export function exampleQuote(infos: readonly CodingInfo[]): OverviewCode['example'] {
  const usable = infos
    .filter((i) => i.anchored && i.informants.length > 0 && i.coding.exact.trim() !== '')
    .sort((a, b) => (a.coding.doc < b.coding.doc ? -1 : a.coding.doc > b.coding.doc ? 1 : a.coding.start - b.coding.start));
  if (usable.length === 0) return undefined;
  const words = (i: CodingInfo): number => countWords(i.coding.exact);
  // The fullest passage within the word limit (more context for the reader), first in the
  // material on ties; failing that, the shortest one, cut at the limit.
  const fitting = usable.filter((i) => i.informants.length === 1 && words(i) >= 5 && words(i) <= EXAMPLE_MAX_WORDS);
  const pick = fitting.length > 0 ? fitting.reduce((best, i) => (words(i) > words(best) ? i : best)) : [...usable].sort((a, b) => words(a) - words(b))[0];
  let text = pick.coding.exact.replace(/\s+/g, ' ').trim();
  const list = text.split(' ');
  if (list.length > EXAMPLE_MAX_WORDS) text = `${list.slice(0, EXAMPLE_MAX_WORDS).join(' ')} (...)`;
  return { text, informant: pick.informants.join(', '), doc: pick.coding.doc };
}

export function codebookOverview(project: Project): CodebookOverview {
  const cb = project.codebook;
  const entries: OverviewEntry[] = [];
  const items: Array<{ start: number; category?: CodebookCategory; code?: CodebookCode }> = [
    ...cb.categories.map((category) => ({ start: category.range.start, category })),
    ...cb.codes.map((code) => ({ start: code.range.start, code })),
  ].sort((a, b) => a.start - b.start);
  const depthOf = (code: CodebookCode): number => {
    let d = 0;
    for (let p = code.parentCode; p !== undefined && d < 20; p = project.findCode(p)?.parentCode) d++;
    return d;
  };
  for (const item of items) {
    if (item.category) {
      const c = item.category;
      const codes = project.codesInCategory(c);
      const informants = new Set<string>();
      let codings = 0;
      for (const code of codes) {
        const counts = project.countsOfCode(code.name);
        codings += counts.codings;
        counts.informants.forEach((i) => informants.add(i));
      }
      entries.push({ kind: 'category', name: c.name, level: c.level, path: c.path, description: c.description, codes: codes.length, codings, informants: informants.size });
    } else if (item.code) {
      const code = item.code;
      const counts = project.countsOfCode(code.name);
      entries.push({
        kind: 'code',
        name: code.name,
        description: code.description,
        categoryPath: code.categoryPath,
        ...(code.parentCode ? { parentCode: code.parentCode } : {}),
        depth: depthOf(code),
        codings: counts.codings,
        informants: counts.informants,
        coders: counts.coders,
        example: exampleQuote(project.codingsOfCode(code.name)),
      });
    }
  }
  const language = project.config.language;
  return { title: cb.title ?? (language === 'en' ? 'Codebook' : 'Kodebok'), language, entries };
}

const LABELS = {
  nb: { codings: ['koding', 'kodinger'], informants: ['informant', 'informanter'], code: 'Kode', description: 'Beskrivelse', example: 'Eksempel', nCodings: 'Kodinger', nInformants: 'Informanter' },
  en: { codings: ['coding', 'codings'], informants: ['informant', 'informants'], code: 'Code', description: 'Description', example: 'Example', nCodings: 'Codings', nInformants: 'Informants' },
} as const;

function plural(n: number, forms: readonly [string, string]): string {
  return `${n} ${n === 1 ? forms[0] : forms[1]}`;
}

/** The thesis's own inline quote style (qda.yaml quoteStyle.inline). */
function quote(project: Project, example: NonNullable<OverviewCode['example']>, escape: (s: string) => string = (s) => s): string {
  // Functions as replacements: a "$&" in the quote is text, not a replacement pattern.
  return project.config.quoteStyle.inline.replace('{text}', () => escape(example.text)).replace('{informant}', () => escape(example.informant));
}

/** Wiki links read as their text in the appendix. */
function unlink(s: string): string {
  return s.replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, '$2').replace(/\[\[([^\]]*)\]\]/g, '$1');
}

export function codebookToMarkdown(project: Project, overview = codebookOverview(project)): string {
  const L = LABELS[overview.language];
  // Names and descriptions are the user's text: escaped, so HTML, images and links in them
  // read as typed in the appendix instead of running in whatever renders it.
  const out: string[] = [`# ${markdownText(overview.title)}`, ''];
  for (const e of overview.entries) {
    if (e.kind === 'category') {
      out.push(`${'#'.repeat(Math.min(6, e.level))} ${markdownText(e.name)}`, '');
      if (e.description) out.push(markdownText(unlink(e.description)), '');
      out.push(`*${plural(e.codings, L.codings)} · ${plural(e.informants, L.informants)}*`, '');
    } else {
      const pad = '  '.repeat(e.depth);
      const desc = e.description ? ` — ${markdownText(unlink(e.description))}` : '';
      out.push(`${pad}- **${markdownText(e.name)}**${desc} *(${plural(e.codings, L.codings)}, ${plural(e.informants.length, L.informants)})*`);
      if (e.example) out.push(`${pad}  ${L.example}: ${quote(project, e.example, markdownText)}`);
    }
    // A blank line ends a list before the next heading.
    const next = overview.entries[overview.entries.indexOf(e) + 1];
    if (e.kind === 'code' && (!next || next.kind === 'category')) out.push('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
}

export const CSV_COLUMNS = ['theme', 'group', 'code', 'parent_code', 'description', 'codings', 'informants', 'informant_list', 'coders', 'example', 'example_informant'] as const;

/** One row per code; theme is the top category, group the rest of the path joined with ' › '. */
export function codebookToCsv(project: Project, overview = codebookOverview(project)): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const e of overview.entries) {
    if (e.kind !== 'code') continue;
    rows.push(
      [
        e.categoryPath[0] ?? '',
        e.categoryPath.slice(1).join(' › '),
        e.name,
        e.parentCode ?? '',
        unlink(e.description),
        e.codings,
        e.informants.length,
        e.informants.join('; '),
        e.coders.join('; '),
        e.example?.text ?? '',
        e.example?.informant ?? '',
      ].map(csvField).join(','),
    );
  }
  return '\uFEFF' + rows.join('\r\n') + '\r\n';
}



export async function codebookToDocx(project: Project, overview = codebookOverview(project)): Promise<Uint8Array> {
  const { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = await loadDocx();
  const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
  const cell = (children: Paragraph[], widthPct: number): TableCell => new TableCell({ children, width: { size: widthPct, type: WidthType.PERCENTAGE } });
  const L = LABELS[overview.language];
  const children: Array<Paragraph | Table> = [new Paragraph({ text: overview.title, heading: HeadingLevel.TITLE })];
  let rows: TableRow[] = [];
  const header = (): TableRow =>
    new TableRow({
      tableHeader: true,
      children: [L.code, L.description, L.nCodings, L.nInformants, L.example].map((t, i) =>
        cell([new Paragraph({ children: [new TextRun({ text: t, bold: true })] })], [22, 30, 9, 9, 30][i]),
      ),
    });
  const flush = (): void => {
    if (rows.length === 0) return;
    children.push(new Table({ rows: [header(), ...rows], width: { size: 100, type: WidthType.PERCENTAGE } }));
    children.push(new Paragraph({ text: '' }));
    rows = [];
  };
  for (const e of overview.entries) {
    if (e.kind === 'category') {
      flush();
      // Level-2 headings (themes) become Heading 1 in the appendix, and so on down.
      children.push(new Paragraph({ text: e.name, heading: HEADINGS[Math.min(5, Math.max(0, e.level - 2))] }));
      if (e.description) children.push(new Paragraph({ text: unlink(e.description) }));
      children.push(new Paragraph({ children: [new TextRun({ text: `${plural(e.codings, L.codings)} · ${plural(e.informants, L.informants)}`, italics: true })] }));
    } else {
      rows.push(
        new TableRow({
          children: [
            cell([new Paragraph({ indent: { left: e.depth * 240 }, children: [new TextRun({ text: e.depth > 0 ? `– ${e.name}` : e.name, bold: e.depth === 0 })] })], 22),
            cell([new Paragraph({ text: unlink(e.description) })], 30),
            cell([new Paragraph({ text: String(e.codings), alignment: AlignmentType.RIGHT })], 9),
            cell([new Paragraph({ text: String(e.informants.length), alignment: AlignmentType.RIGHT })], 9),
            cell([new Paragraph({ children: e.example ? [new TextRun({ text: quote(project, e.example), italics: true })] : [] })], 30),
          ],
        }),
      );
    }
  }
  flush();
  const doc = new Document({
    creator: 'Thesis QDA',
    title: overview.title,
    description: overview.language === 'en' ? 'Codebook appendix' : 'Kodebok (vedlegg)',
    sections: [{ children }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export type CodebookExportFormat = 'codebook-md' | 'codebook-docx' | 'csv';

export async function exportCodebook(project: Project, format: CodebookExportFormat): Promise<{ content: string | Uint8Array; fileName: string }> {
  const base = project.config.language === 'en' ? 'codebook' : 'kodebok';
  switch (format) {
    case 'codebook-md':
      return { content: codebookToMarkdown(project), fileName: `${base}-appendix.md` };
    case 'csv':
      return { content: codebookToCsv(project), fileName: `${base}.csv` };
    case 'codebook-docx':
      return { content: await codebookToDocx(project), fileName: `${base}.docx` };
    default:
      throw new Error(`unknown codebook export format '${String(format)}' (codebook-md, codebook-docx, csv)`);
  }
}
