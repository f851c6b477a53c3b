// Coded segments as analysis sees them: each anchored coding with the informant it belongs to,
// the turns it spans and its text. The one rule every count follows (CLI, views and exports):
// a coding belongs to the informant who speaks in the turn where it starts; a coding that starts
// in an interviewer's turn (or outside any turn) belongs to no informant.
import type { Coding, Transcript } from '../model/model';
import { firstTurnEndingAfter } from '../parse/transcript';
import { normalizeName } from '../text/text';
import type { Project } from '../project/project';
import { inParts, runSteps, type Steps } from '../text/steps';

export interface AnalysisSegment {
  id: string;
  doc: string;
  start: number;
  end: number;
  /** The code as the codebook spells it (the coding's own spelling when it is not in the codebook). */
  code: string;
  coder: string;
  /** The informant of the turn where the coding starts; null for interviewer turns. */
  informant: string | null;
  /** Indexes of the first and last speaker turn the coding overlaps; -1 when it overlaps none. */
  firstTurn: number;
  lastTurn: number;
}

export interface SegmentFilter {
  coders?: readonly string[];
  informants?: readonly string[];
  /** Informant attributes that must all match, e.g. { role: 'rådgiver' }. */
  attributes?: Readonly<Record<string, string>>;
  docs?: readonly string[];
}

export function informantOfStart(transcript: Transcript, start: number): string | null {
  const i = firstTurnEndingAfter(transcript.turns, start);
  const turn = transcript.turns[i];
  if (!turn || turn.start > start) return null;
  return transcript.informants.includes(turn.label) ? turn.label : null;
}

/**
 * The test a segment must pass to be in the filter's selection (undefined: every segment), as
 * `analysisSegments` applies it — also to the kept per-document segments (recount.ts).
 */
export function segmentTest(project: Project, filter: SegmentFilter = {}): ((s: AnalysisSegment) => boolean) | undefined {
  const coders = filter.coders?.length ? new Set(filter.coders) : undefined;
  const informants = filter.informants?.length ? new Set(filter.informants.map(normalizeName)) : undefined;
  const docs = filter.docs?.length ? new Set(filter.docs) : undefined;
  const attributes = Object.entries(filter.attributes ?? {});
  if (!coders && !informants && !docs && !attributes.length) return undefined;
  const attributeOk = (informant: string | null): boolean => {
    if (!attributes.length) return true;
    if (informant === null) return false;
    const own = project.config.informants[informant] ?? {};
    return attributes.every(([k, v]) => normalizeName(own[k] ?? '') === normalizeName(v));
  };
  return (s) => (!coders || coders.has(s.coder)) && (!docs || docs.has(s.doc)) && (!informants || (s.informant !== null && informants.has(normalizeName(s.informant)))) && attributeOk(s.informant);
}

/** One codebook lookup per spelling, not per coding (names are normalised on lookup). */
export function codebookNames(project: Project): (code: string) => string {
  const codebookName = new Map<string, string>();
  return (code) => {
    let name = codebookName.get(code);
    if (name === undefined) codebookName.set(code, (name = project.findCode(code)?.name ?? code));
    return name;
  };
}

/** The analysis segment of an anchored coding of a transcript. */
function segmentOf(c: Coding, transcript: Transcript, code: string): AnalysisSegment {
  const informant = informantOfStart(transcript, c.start);
  const first = firstTurnEndingAfter(transcript.turns, c.start);
  let last = first;
  while (last + 1 < transcript.turns.length && transcript.turns[last + 1].start < c.end) last++;
  const overlapsTurn = first < transcript.turns.length && transcript.turns[first].start < c.end;
  return { id: c.id, doc: c.doc, start: c.start, end: c.end, code, coder: c.coder, informant, firstTurn: overlapsTurn ? first : -1, lastTurn: overlapsTurn ? last : -1 };
}

/** The order of segments: document, start, end, code, id. */
export function compareSegments(a: AnalysisSegment, b: AnalysisSegment): number {
  return a.doc < b.doc ? -1 : a.doc > b.doc ? 1 : a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.id < b.id ? -1 : 1);
}

/**
 * Every anchored coding of the project that passes the filter, in document and offset order,
 * computed from scratch. The server and the CLI take them from `analysisOf(project)`
 * (recount.ts), which keeps each document's segments and gives the same list.
 */
export function analysisSegments(project: Project, filter: SegmentFilter = {}): AnalysisSegment[] {
  return runSteps(analysisSegmentsSteps(project, filter));
}

/** analysisSegments, pausing every STEP codings (core/text/steps.ts; the sort at the end is one piece). */
export function* analysisSegmentsSteps(project: Project, filter: SegmentFilter = {}): Steps<AnalysisSegment[]> {
  const test = segmentTest(project, filter);
  const nameOf = codebookNames(project);
  const out: AnalysisSegment[] = [];
  const all = project.allCodings();
  yield* inParts(all.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const info = all[i];
      const c = info.coding;
      if (!info.anchored || c.end <= c.start) continue;
      const transcript = project.transcripts.get(c.doc);
      if (!transcript) continue;
      const s = segmentOf(c, transcript, nameOf(c.code));
      if (!test || test(s)) out.push(s);
    }
  });
  return out.sort(compareSegments);
}

/**
 * One transcript's segments (every coder, no filter), in segment order: what `analysisSegments`
 * holds for this document. The index's list of the document's codings, each once by id as in
 * `allCodings`, so the work is this document's codings, not the project's.
 */
export function docSegments(project: Project, doc: string, nameOf: (code: string) => string): AnalysisSegment[] {
  const transcript = project.transcripts.get(doc);
  if (!transcript) return [];
  const out: AnalysisSegment[] = [];
  for (const info of project.codingsOfDoc(doc)) {
    const c = info.coding;
    if (!info.anchored || c.end <= c.start || c.doc !== doc || project.codingById(c.id) !== info) continue;
    out.push(segmentOf(c, transcript, nameOf(c.code)));
  }
  return out.sort(compareSegments);
}

/** The transcript text of a segment. */
export function segmentText(project: Project, s: { doc: string; start: number; end: number }): string {
  return project.texts.get(s.doc)?.slice(s.start, s.end) ?? '';
}
