// Chapter quotes resolved against the project (matching rules: quoteText.ts): each
// quote's anchor against the codings, its words against the transcripts (the named informant's
// first), cached per project version; and the diagnostics of the quotes that are not verified.
import type { QdaDiagnostic, Transcript } from '../model/model';
import type { CodingInfo, Project } from '../project/project';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import { findQuotes, matchWords, quoteSegments, sourceWords, sourceWordsOf, type ChapterQuote, type Word } from './quoteText';

// ---- resolving the quotes of a project ---------------------------------------------------

export type QuoteStatus = 'ok' | 'mismatch' | 'wrongInformant' | 'crossSpeakers' | 'missingCoding' | 'unanchored' | 'noSource';

export interface QuoteSource {
  doc: string;
  /** The matched words in the transcript (first word's start to last word's end). */
  start: number;
  end: number;
  speakers: string[];
}

export interface ResolvedQuote {
  path: string;
  quote: ChapterQuote;
  status: QuoteStatus;
  /** The anchored coding (when the anchor resolves). */
  coding?: CodingInfo;
  /** Where the quote's words are in a transcript, when they were found. */
  source?: QuoteSource;
  /** The speaker the source gives, when it differs from the reference. */
  expectedInformant?: string;
  /** Codings that cover the found source passage (for linking an unanchored quote). */
  candidates?: CodingInfo[];
  message?: string;
}

interface Run {
  speaker: string;
  words: Word[];
}

const runCache = new WeakMap<Transcript, { text: string; runs: Run[] }>();

/** A transcript's words in runs of consecutive turns by one speaker. */
function speakerRuns(project: Project, transcript: Transcript): Run[] {
  const text = project.texts.get(transcript.path) ?? '';
  const cached = runCache.get(transcript);
  if (cached && cached.text === text) {
    // Equal text, perhaps another string object: hold the current one (next time a pointer
    // comparison instead of one character by character).
    cached.text = text;
    return cached.runs;
  }
  const runs: Run[] = [];
  let current: Run | undefined;
  for (const t of transcript.turns) {
    if (!current || current.speaker !== t.label) runs.push((current = { speaker: t.label, words: [] }));
    sourceWordsOf(text, t.textStart, t.end, t.label, current.words);
  }
  runCache.set(transcript, { text, runs });
  return runs;
}

function quoteSegmentsOf(q: ChapterQuote): Word[][] {
  return quoteSegments(q.text, q.textRange.start);
}

/** Searches transcripts for a quote: in the named informant's words first, then anyone's. */
function searchTranscripts(project: Project, segs: Word[][], informant: string | undefined, docs?: string[]): QuoteSource | undefined {
  const transcripts = docs ? docs.map((d) => project.transcripts.get(d)).filter((t): t is Transcript => t !== undefined) : [...project.transcripts.values()];
  const want = informant ? normalizeName(informant) : undefined;
  let other: QuoteSource | undefined;
  for (const t of transcripts.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    for (const run of speakerRuns(project, t)) {
      const named = want !== undefined && normalizeName(run.speaker) === want;
      if (!named && other) continue;
      const m = matchWords(run.words, segs);
      if (!m.ok) continue;
      const source = { doc: t.path, start: m.words[0].start, end: m.words[m.words.length - 1].end, speakers: [run.speaker] };
      if (named) return source;
      other = source;
    }
  }
  return other;
}

function resolveQuote(project: Project, path: string, q: ChapterQuote, knownInformants: Set<string>): ResolvedQuote | undefined {
  const segs = quoteSegmentsOf(q);
  if (q.anchorId === undefined) {
    if (!q.informant || !knownInformants.has(normalizeName(q.informant)) || segs.length === 0) return undefined;
    const source = searchTranscripts(project, segs, q.informant);
    if (!source) return { path, quote: q, status: 'noSource', message: l10n.t('This quote from {0} matches no transcript of the project.', q.informant) };
    if (normalizeName(source.speakers[0]) !== normalizeName(q.informant)) {
      return { path, quote: q, status: 'wrongInformant', source, expectedInformant: source.speakers[0], message: l10n.t("This quote is {0}'s words in {1}, not {2}'s.", source.speakers[0], source.doc, q.informant) };
    }
    const candidates = project.codingsOfDoc(source.doc).filter((i) => i.anchored && i.coding.start <= source.start && i.coding.end >= source.end);
    const message =
      candidates.length > 0
        ? l10n.t('Quote found in {0} (coded {1}) but not linked to its coding.', source.doc, [...new Set(candidates.map((c) => `'${c.coding.code}'`))].join(', '))
        : l10n.t('Quote found in {0} (not coded yet) but not linked to its coding.', source.doc);
    return { path, quote: q, status: 'unanchored', source, candidates, message };
  }
  const info = project.codingById(q.anchorId);
  if (!info) return { path, quote: q, status: 'missingCoding', message: l10n.t('The anchor <!--qda:{0}--> points to a coding that does not exist (deleted, or in a codings file that is gone).', q.anchorId) };
  const c = info.coding;
  const text = project.texts.get(c.doc);
  const transcript = project.transcripts.get(c.doc);
  if (!info.anchored || text === undefined) {
    // The coding lost its place: the quote can still be found in the coding's transcript.
    const found = text !== undefined && segs.length > 0 ? searchTranscripts(project, segs, q.informant, [c.doc]) : undefined;
    if (found) return withInformant(project, { path, quote: q, status: 'ok', coding: info, source: found });
    return { path, quote: q, status: 'mismatch', coding: info, message: l10n.t("The quote's words are not in {0} any more (coding {1}, {2}, lost its place there). Update the quote or re-attach the coding.", c.doc, c.id, c.code) };
  }
  const src = sourceWords(text, transcript, c.start, c.end);
  if (segs.length === 0) return { path, quote: q, status: 'mismatch', coding: info, message: l10n.t('The quote has no words.') };
  const m = matchWords(src, segs);
  if (!m.ok) {
    const word = chapterWord(q, m.word);
    const expected = m.expected ? text.slice(m.expected.start, m.expected.end) : undefined;
    const message =
      expected === undefined
        ? l10n.t('The quote does not match coding {0} ({1}) in {2}: “{3}” is not in the source where the quote has it. Mark left-out text with (...).', c.id, c.code, c.doc, word)
        : m.after
          ? l10n.t('The quote does not match coding {0} ({1}) in {2}: “{3}” is not in the source where the quote has it (the source has “{4}” after “{5}”). Mark left-out text with (...).', c.id, c.code, c.doc, word, expected, chapterWord(q, m.after))
          : l10n.t('The quote does not match coding {0} ({1}) in {2}: “{3}” is not in the source where the quote has it (the source has “{4}”). Mark left-out text with (...).', c.id, c.code, c.doc, word, expected);
    return { path, quote: q, status: 'mismatch', coding: info, message };
  }
  const speakers = [...new Set(m.words.map((w) => w.speaker).filter((s): s is string => s !== undefined))];
  const source: QuoteSource = { doc: c.doc, start: m.words[0].start, end: m.words[m.words.length - 1].end, speakers };
  if (speakers.length > 1) {
    return { path, quote: q, status: 'crossSpeakers', coding: info, source, message: l10n.t("The quote runs across speakers ({0}) in {1}; a quote must be one informant's words.", speakers.join(', '), c.doc) };
  }
  return withInformant(project, { path, quote: q, status: 'ok', coding: info, source });
}

function withInformant(project: Project, r: ResolvedQuote): ResolvedQuote {
  const speaker = r.source?.speakers[0] ?? r.coding?.informants[0];
  if (!speaker) return r;
  if (r.quote.informant === undefined || normalizeName(r.quote.informant) !== normalizeName(speaker)) {
    const doc = r.coding?.coding.doc ?? r.source?.doc;
    const message =
      r.quote.informant === undefined
        ? l10n.t("The quote names no informant, but the words are {0}'s ({1}).", speaker, String(doc))
        : l10n.t("The quote names {0}, but the words are {1}'s ({2}).", r.quote.informant, speaker, String(doc));
    return { ...r, status: 'wrongInformant', expectedInformant: speaker, message };
  }
  return r;
}

function chapterWord(q: ChapterQuote, w: Word): string {
  return q.text.slice(w.start - q.textRange.start, w.end - q.textRange.start);
}

const resolvedCache = new WeakMap<Project, { version: number; byPath: Map<string, ResolvedQuote[]> }>();

/** Every quote of every chapter, resolved against the codings and transcripts (cached per version). */
export function projectQuotes(project: Project): Map<string, ResolvedQuote[]> {
  const cached = resolvedCache.get(project);
  if (cached && cached.version === project.version) return cached.byPath;
  const known = new Set(project.informantLabels().map(normalizeName));
  const byPath = new Map<string, ResolvedQuote[]>();
  for (const note of project.notes.values()) {
    if (note.role !== 'chapter') continue;
    const text = project.texts.get(note.path);
    if (text === undefined) continue;
    const list: ResolvedQuote[] = [];
    for (const q of findQuotes(text)) {
      const r = resolveQuote(project, note.path, q, known);
      if (r) list.push(r);
    }
    byPath.set(note.path, list);
  }
  resolvedCache.set(project, { version: project.version, byPath });
  return byPath;
}

export function quotesIn(project: Project, path: string): ResolvedQuote[] {
  return projectQuotes(project).get(path) ?? [];
}

/** The quote at an offset of a chapter. */
export function quoteAt(project: Project, path: string, offset: number): ResolvedQuote | undefined {
  return quotesIn(project, path).find((r) => r.quote.range.start <= offset && offset <= r.quote.range.end);
}

/** Chapters quoting a coding (by anchor). */
export function quotesOfCoding(project: Project, id: string): ResolvedQuote[] {
  const out: ResolvedQuote[] = [];
  for (const list of projectQuotes(project).values()) for (const r of list) if (r.quote.anchorId === id) out.push(r);
  return out;
}

const SEVERITY: Record<Exclude<QuoteStatus, 'ok'>, QdaDiagnostic['severity']> = {
  mismatch: 'error',
  wrongInformant: 'error',
  crossSpeakers: 'error',
  missingCoding: 'warning',
  unanchored: 'hint',
  noSource: 'warning',
};
const CODE: Record<Exclude<QuoteStatus, 'ok'>, string> = {
  mismatch: 'qda.quoteMismatch',
  wrongInformant: 'qda.quoteWrongInformant',
  crossSpeakers: 'qda.quoteCrossSpeakers',
  missingCoding: 'qda.quoteMissingCoding',
  unanchored: 'qda.quoteUnanchored',
  noSource: 'qda.quoteNoSource',
};

/** Diagnostics for every chapter quote that is not verified. */
export function quoteDiagnostics(project: Project): QdaDiagnostic[] {
  const out: QdaDiagnostic[] = [];
  for (const [path, list] of projectQuotes(project)) {
    for (const r of list) {
      if (r.status === 'ok') continue;
      const severity = r.status === 'wrongInformant' && r.quote.anchorId === undefined ? 'warning' : SEVERITY[r.status];
      out.push({ path, range: r.quote.range, severity, code: CODE[r.status], message: r.message ?? r.status, data: { id: r.quote.anchorId, informant: r.expectedInformant } });
    }
  }
  return out;
}
