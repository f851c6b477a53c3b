// The agreement report for a method chapter: the table per code, what the unit and the measures
// mean, and which codings were compared (date and commit). Markdown, CSV and Word.
import type { TableCell } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import { csvField } from '../text/csv';
import { markdownText } from '../text/markdownText';
import type { AgreementFigures } from './agreement';
import type { AgreementReport } from './agreementUnits';

export interface AgreementReportMeta {
  /** ISO date the report was made. */
  date: string;
  /** The git commit of the codings compared, when the project is a git repository. */
  commit?: string;
  /** The codings had changes not yet committed. */
  dirty?: boolean;
}

type Language = 'nb' | 'en';

const LABELS = {
  en: {
    title: 'Intercoder agreement',
    code: 'Code',
    units: 'Units',
    overall: 'Overall',
    percent: 'Agreement %',
    kappaCohen: "Cohen's κ",
    kappaFleiss: "Fleiss' κ",
    alpha: "Krippendorff's α",
    codings: 'codings',
    coders: 'Coders',
    compared: 'Transcripts compared',
    omitted: 'Left out (not coded by every coder)',
    none: 'none',
    made: 'Made',
    commit: 'Codings at commit',
    uncommitted: 'with changes not yet committed',
    notes: 'Notes',
    definitions: 'Definitions',
    unit: {
      char: 'Unit: one character of a transcript (its text after the frontmatter). For each code, every character is coded or not by each coder; runs of characters coded alike are counted together.',
      turn: 'Unit: one speaker turn. A code is present in a turn for a coder when one of the coder’s codings of that code overlaps the turn.',
      segment: 'Unit: a coded segment. Codings of one code whose overlap (intersection over union) is at least {overlap} form one unit, whoever made them; each coder has coded the unit or not. No unit is left uncoded by everyone, so chance-corrected measures are low by construction: read the percentage first.',
    },
    domain: 'The codes of “{domain}” are treated as the values of one nominal variable: per unit, each coder’s value is the code of that group they applied; a unit a coder left without any of them is a missing value for that coder (two codes of the group on one unit form a value of their own). The overall row is that variable; the code rows treat each code as present or absent.',
    presence: 'Each code is a variable with the values present and absent per unit; the overall row pools every pair of unit and code.',
    measures: [
      'Agreement %: the share of units that every coder rated on which all gave the same value.',
      "Cohen's κ (two coders) = (pₒ − pₑ) / (1 − pₑ), where pₒ is the observed agreement and pₑ the agreement expected by chance from each coder’s own distribution of values.",
      "Fleiss' κ (three or more coders): the same idea with one pooled distribution of values, over units rated by every coder.",
      "Krippendorff's α (nominal) = 1 − Dₒ / Dₑ, the observed over the expected disagreement from the coincidence matrix of all pairable values; it allows missing values.",
      'A measure is left empty (—) where it is undefined for the data, e.g. κ when both coders gave every unit the same value.',
    ],
  },
  nb: {
    title: 'Samsvar mellom kodere',
    code: 'Kode',
    units: 'Enheter',
    overall: 'Samlet',
    percent: 'Samsvar %',
    kappaCohen: 'Cohens κ',
    kappaFleiss: 'Fleiss’ κ',
    alpha: 'Krippendorffs α',
    codings: 'kodinger',
    coders: 'Kodere',
    compared: 'Transkripsjoner sammenlignet',
    omitted: 'Utelatt (ikke kodet av alle kodere)',
    none: 'ingen',
    made: 'Laget',
    commit: 'Kodinger ved commit',
    uncommitted: 'med endringer som ikke er committet',
    notes: 'Merknader',
    definitions: 'Definisjoner',
    unit: {
      char: 'Enhet: ett tegn i en transkripsjon (teksten etter frontmatter). For hver kode er hvert tegn kodet eller ikke av hver koder; tegn som er kodet likt, telles sammen.',
      turn: 'Enhet: én taletur. En kode er til stede i en taletur for en koder når en av koderens kodinger med den koden overlapper turen.',
      segment: 'Enhet: et kodet segment. Kodinger med samme kode som overlapper minst {overlap} (snitt delt på union), utgjør én enhet uansett hvem som kodet; hver koder har kodet enheten eller ikke. Ingen enhet er ukodet av alle, så sjansekorrigerte mål blir lave: les prosenten først.',
    },
    domain: 'Kodene i «{domain}» behandles som verdiene til én nominell variabel: per enhet er koderens verdi den koden fra gruppen hen brukte; en enhet uten noen av dem er en manglende verdi for den koderen (to koder fra gruppen på samme enhet er en egen verdi). Samlet-raden er denne variabelen; koderadene behandler hver kode som til stede eller ikke.',
    presence: 'Hver kode er en variabel med verdiene til stede og ikke til stede per enhet; samlet-raden slår sammen alle par av enhet og kode.',
    measures: [
      'Samsvar %: andelen av enhetene alle kodere vurderte, der alle ga samme verdi.',
      'Cohens κ (to kodere) = (pₒ − pₑ) / (1 − pₑ), der pₒ er observert samsvar og pₑ samsvaret som ventes ved tilfeldighet ut fra hver koders egen fordeling av verdier.',
      'Fleiss’ κ (tre eller flere kodere): samme idé med én felles fordeling av verdier, over enheter alle kodere vurderte.',
      'Krippendorffs α (nominell) = 1 − Dₒ / Dₑ, observert delt på forventet uenighet fra koinsidensmatrisen over alle parbare verdier; tillater manglende verdier.',
      'Et mål står tomt (—) der det ikke er definert for dataene, f.eks. κ når begge kodere ga alle enheter samme verdi.',
    ],
  },
};

function fmt(x: number | null, digits: number): string {
  return x === null ? '—' : (Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits);
}

function columns(report: AgreementReport, L: (typeof LABELS)['en']): string[] {
  const kappa = report.coders.length === 2 ? L.kappaCohen : L.kappaFleiss;
  return [L.code, L.units, L.percent, kappa, L.alpha, ...report.coders.map((c) => `${c} (${L.codings})`)];
}

function rows(report: AgreementReport, L: (typeof LABELS)['en']): string[][] {
  const row = (name: string, f: AgreementFigures, counts: Record<string, number> | undefined): string[] => [
    name,
    String(Math.round(f.units)),
    fmt(f.percent, 1),
    fmt(f.kappa, 3),
    fmt(f.alpha, 3),
    ...report.coders.map((c) => (counts ? String(counts[c] ?? 0) : String(report.codes.reduce((n, x) => n + (x.codings[c] ?? 0), 0)))),
  ];
  return [...report.codes.map((c) => row(c.code, c, c.codings)), row(report.domain ? `${L.overall}: ${report.domain}` : L.overall, report.overall, undefined)];
}

function definitions(report: AgreementReport, L: (typeof LABELS)['en']): string[] {
  return [
    L.unit[report.unit].replace('{overlap}', String(report.overlap ?? '')),
    report.domain ? L.domain.replace('{domain}', report.domain) : L.presence,
    ...L.measures,
  ];
}

function metaLines(report: AgreementReport, meta: AgreementReportMeta, L: (typeof LABELS)['en']): string[] {
  const lines = [`${L.coders}: ${report.coders.join(', ')}`, `${L.made}: ${meta.date}`];
  if (meta.commit) lines.push(`${L.commit}: ${meta.commit}${meta.dirty ? ` (${L.uncommitted})` : ''}`);
  lines.push(`${L.compared}: ${report.documents.join(', ') || L.none}`);
  if (report.omitted.length) lines.push(`${L.omitted}: ${report.omitted.map((o) => `${o.doc} (${o.codedBy.join(', ')})`).join(', ')}`);
  return lines;
}

export function agreementToMarkdown(report: AgreementReport, meta: AgreementReportMeta, language: Language): string {
  const L = LABELS[language];
  const out = [`# ${L.title}`, ''];
  for (const line of metaLines(report, meta, L)) out.push(`- ${markdownText(line)}`);
  out.push('');
  const head = columns(report, L);
  out.push(`| ${head.map(markdownText).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of rows(report, L)) out.push(`| ${r.map(markdownText).join(' | ')} |`);
  const notes = [...report.codes.filter((c) => c.note).map((c) => `${c.code}: ${c.note}`), ...(report.overall.note ? [`${L.overall}: ${report.overall.note}`] : [])];
  if (notes.length) out.push('', `## ${L.notes}`, '', ...notes.map((n) => `- ${markdownText(n)}`));
  out.push('', `## ${L.definitions}`, '', ...definitions(report, L).map((d) => `- ${markdownText(d)}`), '');
  return out.join('\n');
}

/** Machine-readable: full precision, empty cells for undefined measures, one row per code then overall. */
export function agreementToCsv(report: AgreementReport): string {
  const head = ['code', 'unit', 'units', 'percent', report.coders.length === 2 ? 'cohen_kappa' : 'fleiss_kappa', 'krippendorff_alpha', ...report.coders.map((c) => `codings_${c}`), 'note'];
  const num = (x: number | null): string => (x === null ? '' : String(x));
  const line = (name: string, f: AgreementFigures, counts: Record<string, number>): string =>
    [name, report.unit, String(f.units), num(f.percent), num(f.kappa), num(f.alpha), ...report.coders.map((c) => String(counts[c] ?? 0)), f.note ?? ''].map(csvField).join(',');
  const totals: Record<string, number> = {};
  for (const c of report.codes) for (const [coder, n] of Object.entries(c.codings)) totals[coder] = (totals[coder] ?? 0) + n;
  const out = [head.map(csvField).join(','), ...report.codes.map((c) => line(c.code, c, c.codings)), line(report.domain ? `(overall: ${report.domain})` : '(overall)', report.overall, totals)];
  return '\uFEFF' + out.join('\r\n') + '\r\n';
}

export async function agreementToDocx(report: AgreementReport, meta: AgreementReportMeta, language: Language): Promise<Uint8Array> {
  const { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = await loadDocx();
  const L = LABELS[language];
  const cell = (text: string, bold = false): TableCell => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: columns(report, L).map((h) => cell(h, true)) }), ...rows(report, L).map((r, i, all) => new TableRow({ children: r.map((v) => cell(v, i === all.length - 1)) }))],
  });
  const notes = [...report.codes.filter((c) => c.note).map((c) => `${c.code}: ${c.note}`), ...(report.overall.note ? [`${L.overall}: ${report.overall.note}`] : [])];
  const doc = new Document({
    creator: 'Thesis QDA',
    title: L.title,
    sections: [
      {
        children: [
          new Paragraph({ text: L.title, heading: HeadingLevel.HEADING_1 }),
          ...metaLines(report, meta, L).map((t) => new Paragraph({ text: t })),
          table,
          ...(notes.length ? [new Paragraph({ text: L.notes, heading: HeadingLevel.HEADING_2 }), ...notes.map((n) => new Paragraph({ text: n, bullet: { level: 0 } }))] : []),
          new Paragraph({ text: L.definitions, heading: HeadingLevel.HEADING_2 }),
          ...definitions(report, L).map((d) => new Paragraph({ text: d, bullet: { level: 0 } })),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
