// The segment table theses hand-make in Word: one row per coded segment with its informant and
// the informant's attributes, the interviewer's question before it, theme › group › code and the
// full text.
import { csvDocument } from '../text/csv';
import type { Project } from '../project/project';
import { segmentText, type AnalysisSegment } from './segments';

export interface SegmentRow {
  doc: string;
  /** 1-based line of the segment's start. */
  line: number;
  informant: string;
  attributes: Record<string, string>;
  /**
   * The text of the last interviewer turn (a speaker of qda.yaml's `interviewers`) before the
   * turn the segment starts in; not another informant's, nor a chorus's ("Flere: Ja.").
   */
  question: string;
  theme: string;
  group: string;
  code: string;
  coder: string;
  text: string;
}

export function segmentRows(project: Project, segments: readonly AnalysisSegment[]): SegmentRow[] {
  const lineStarts = new Map<string, number[]>();
  const lineOf = (doc: string, offset: number): number => {
    let starts = lineStarts.get(doc);
    if (!starts) {
      const text = project.texts.get(doc) ?? '';
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      lineStarts.set(doc, starts);
    }
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const interviewers = new Set(project.config.interviewers.map((i) => i.toLowerCase()));
  return segments.map((s) => {
    const transcript = project.transcripts.get(s.doc);
    const code = project.findCode(s.code);
    let question = '';
    if (transcript && s.firstTurn >= 0) {
      for (let i = s.firstTurn - 1; i >= 0; i--) {
        const turn = transcript.turns[i];
        if (!interviewers.has(turn.label.toLowerCase())) continue;
        question = (project.texts.get(s.doc) ?? '').slice(turn.textStart, turn.end).replace(/\s+/g, ' ').trim();
        break;
      }
    }
    return {
      doc: s.doc,
      line: lineOf(s.doc, s.start),
      informant: s.informant ?? '',
      attributes: { ...(s.informant ? (project.config.informants[s.informant] ?? {}) : {}) },
      question,
      theme: code?.categoryPath[0] ?? '',
      group: code?.categoryPath.slice(1).join(' › ') ?? '',
      code: s.code,
      coder: s.coder,
      text: segmentText(project, s),
    };
  });
}

const FIXED_COLUMNS = ['transcript', 'line', 'informant', 'question', 'theme', 'group', 'code', 'coder', 'text'];

/**
 * Attribute columns are the union of the attributes in qda.yaml, in name order. One named as a
 * fixed column (the demo's focus-group attribute `group`, beside the codebook's group) is headed
 * "group (informant)", so that no two columns share a name in a spreadsheet or in Word.
 */
export function segmentTable(project: Project, rows: readonly SegmentRow[]): Array<Array<string | number>> {
  const attributes = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
  const heading = (a: string): string => (FIXED_COLUMNS.includes(a.toLowerCase()) ? `${a} (informant)` : a);
  return [
    ['transcript', 'line', 'informant', ...attributes.map(heading), 'question', 'theme', 'group', 'code', 'coder', 'text'],
    ...rows.map((r) => [r.doc, r.line, r.informant, ...attributes.map((a) => r.attributes[a] ?? ''), r.question, r.theme, r.group, r.code, r.coder, r.text]),
  ];
}

export function segmentRowsToCsv(project: Project, rows: readonly SegmentRow[]): string {
  return csvDocument(segmentTable(project, rows));
}
