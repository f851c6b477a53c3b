// The quote bank: every coded segment, grouped by theme › code, with informant and transcript
// reference, as Markdown or as a Word document, for writers who draft their chapters in Word.
import type { Paragraph } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import type { Project, CodingInfo } from '../project/project';
import { LineIndex, normalizeName } from '../text/text';
import { spokenText } from '../checks/quotes';
import { turnsOverlapping } from '../parse/transcript';
import { markdownText } from '../text/markdownText';

export interface BankSegment {
  id: string;
  code: string;
  /** The spoken words (labels, timestamps and line breaks stripped). */
  text: string;
  informant: string;
  doc: string;
  line: number;
  timestamp?: string;
  /** Every coder who coded this passage with this code ("anna, bo"), each named once. */
  coder: string;
  /** The codings behind the segment: one per coder who coded exactly this passage. */
  ids: string[];
}

export interface BankGroup {
  /** Theme › group › … › code. */
  path: string[];
  segments: BankSegment[];
}

const LABELS = {
  nb: { title: 'Sitatbank', line: 'linje', coder: 'kodet av', none: 'Ingen kodede segmenter.', uncategorised: 'Ukategorisert', intro: (n: number, c: number) => `${n} kodede segmenter i ${c} koder, gruppert etter tema og kode.` },
  en: { title: 'Quote bank', line: 'line', coder: 'coded by', none: 'No coded segments.', uncategorised: 'Uncategorised', intro: (n: number, c: number) => `${n} coded segments in ${c} codes, grouped by theme and code.` },
};

/** Groups in codebook order; codes the codebook lacks come last. Orphaned codings are left out. */
export function quoteBank(project: Project): BankGroup[] {
  const groups: BankGroup[] = [];
  const seen = new Set<string>();
  const lang = LABELS[project.config.language];
  // One line index per transcript, not one per coding (each is a scan of the whole text).
  const lineIndexes = new Map<string, LineIndex>();
  const lineOf = (doc: string, text: string, offset: number): number => {
    let li = lineIndexes.get(doc);
    if (!li) lineIndexes.set(doc, (li = new LineIndex(text)));
    return li.positionAt(offset).line + 1;
  };
  const segmentOf = (info: CodingInfo): BankSegment | undefined => {
    const c = info.coding;
    const text = project.texts.get(c.doc);
    if (text === undefined || !info.anchored) return undefined;
    const transcript = project.transcripts.get(c.doc);
    const spoken = spokenText(text, transcript, c.start, c.end);
    if (spoken.text === '') return undefined;
    const turn = transcript ? turnsOverlapping(transcript.turns, c.start, c.end)[0] : undefined;
    return {
      id: c.id,
      code: c.code,
      text: spoken.text,
      informant: spoken.speakers.join(', ') || info.informants.join(', '),
      doc: c.doc,
      line: lineOf(c.doc, text, c.start),
      timestamp: turn?.timestamp,
      coder: c.coder,
      ids: [c.id],
    };
  };
  const add = (path: string[], infos: CodingInfo[]): void => {
    const sorted = infos
      .slice()
      .sort((a, b) => (a.coding.doc < b.coding.doc ? -1 : a.coding.doc > b.coding.doc ? 1 : a.coding.start - b.coding.start));
    // Two coders who coded the same passage with the same code (inter-coder work) give one
    // quote naming both, not the same quote twice.
    const merged: BankSegment[] = [];
    const byPassage = new Map<string, BankSegment>();
    for (const info of sorted) {
      const s = segmentOf(info);
      if (!s) continue;
      const key = `${s.doc}\u0000${info.coding.start}\u0000${info.coding.end}`;
      const first = byPassage.get(key);
      if (!first) {
        byPassage.set(key, s);
        merged.push(s);
      } else {
        if (!first.coder.split(', ').includes(s.coder)) first.coder = `${first.coder}, ${s.coder}`;
        first.ids.push(s.id);
      }
    }
    if (merged.length > 0) groups.push({ path, segments: merged });
  };
  for (const code of project.codebook.codes) {
    seen.add(normalizeName(code.name));
    add([...code.categoryPath, ...(code.parentCode ? [code.parentCode] : []), code.name], project.codingsOfCode(code.name));
  }
  const unknown = new Map<string, CodingInfo[]>();
  for (const info of project.allCodings()) {
    const key = normalizeName(info.coding.code);
    if (seen.has(key)) continue;
    unknown.set(key, [...(unknown.get(key) ?? []), info]);
  }
  for (const infos of unknown.values()) add([lang.uncategorised, infos[0].coding.code], infos);
  return groups;
}

function reference(project: Project, s: BankSegment, escape: (s: string) => string = (x) => x): string {
  const l = LABELS[project.config.language];
  return `${escape(s.doc)}, ${l.line} ${s.line}${s.timestamp ? `, [${escape(s.timestamp)}]` : ''} · ${l.coder} ${escape(s.coder)} · ${s.ids.map(escape).join(', ')}`;
}

/** The quote bank as Markdown: headings for themes and codes, block quotes for segments. */
export function quoteBankMarkdown(project: Project): { text: string; segments: number } {
  const l = LABELS[project.config.language];
  const groups = quoteBank(project);
  const total = groups.reduce((n, g) => n + g.segments.length, 0);
  const out: string[] = [`# ${l.title}`, '', groups.length === 0 ? l.none : l.intro(total, groups.length), ''];
  let previous: string[] = [];
  for (const g of groups) {
    let same = 0;
    while (same < g.path.length - 1 && same < previous.length - 1 && g.path[same] === previous[same]) same++;
    // Theme, code, speaker, transcript and coder names are the user's text: escaped like the quote.
    for (let i = same; i < g.path.length; i++) out.push(`${'#'.repeat(Math.min(6, i + 2))} ${markdownText(g.path[i]!)}`, '');
    for (const s of g.segments) {
      out.push(`> ${escapeMarkdown(s.text)} (${markdownText(s.informant)})`, '', `<small>${reference(project, s, markdownText)}</small>`, '');
    }
    previous = g.path;
  }
  return { text: out.join('\n'), segments: total };
}

function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>#])/g, '\\$1');
}


/** The quote bank as a Word document (.docx bytes). */
export async function quoteBankDocx(project: Project): Promise<{ bytes: Uint8Array; segments: number }> {
  const { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } = await loadDocx();
  const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
  const l = LABELS[project.config.language];
  const groups = quoteBank(project);
  const total = groups.reduce((n, g) => n + g.segments.length, 0);
  const style = project.config.quoteStyle;
  const marks = /(.)\{text\}(.)/u.exec(style.inline);
  const [open, close] = marks ? [marks[1], marks[2]] : ['«', '»'];
  const children: Paragraph[] = [
    new Paragraph({ text: l.title, heading: HeadingLevel.TITLE }),
    new Paragraph({ text: groups.length === 0 ? l.none : l.intro(total, groups.length) }),
  ];
  let previous: string[] = [];
  for (const g of groups) {
    let same = 0;
    while (same < g.path.length - 1 && same < previous.length - 1 && g.path[same] === previous[same]) same++;
    for (let i = same; i < g.path.length; i++) children.push(new Paragraph({ text: g.path[i], heading: HEADINGS[Math.min(5, i)] }));
    for (const s of g.segments) {
      children.push(
        new Paragraph({
          indent: { left: 567 },
          spacing: { before: 120 },
          alignment: AlignmentType.LEFT,
          children: [new TextRun({ text: `${open}${s.text}${close}`, italics: true }), new TextRun({ text: ` (${s.informant})` })],
        }),
        new Paragraph({ indent: { left: 567 }, children: [new TextRun({ text: reference(project, s), size: 16, color: '666666' })] }),
      );
    }
    previous = g.path;
  }
  const doc = new Document({ creator: 'Thesis QDA', title: l.title, sections: [{ children }] });
  const buffer = await Packer.toBuffer(doc);
  return { bytes: new Uint8Array(buffer), segments: total };
}
