// Comparing two coders in the text and settling their disagreements.
//
// A *disagreement* is a place where two coders coded one code differently: the codings of that
// code by either coder, in one transcript, that overlap each other form a cluster; the cluster is
// an agreement when both coded it and their coded stretches overlap by at least `overlap`
// (intersection over union), else a disagreement (one coder alone, or both with clearly other
// boundaries).
//
// Settling one writes a *decision* — keep A, keep B, keep both, drop — to the target the analyst
// chose: a consensus coder (its own codings files; the two coders' files are not touched) or one of
// the two coders (that coder's files only). Every decision is also logged, one JSON line each, in
// `.qda/consensus/<A>+<B>.jsonl`: the method chapter's audit trail, and how the list knows which
// disagreements are settled (a drop leaves no coding behind to tell).
import * as l10n from '../text/l10n';
import type { Coding } from '../model/model';
import type { CodingInfo, Project } from '../project/project';
import type { FileEdit, OperationResult } from '../model/edits';
import { insertCodingEdit, newCodingId, parseCodingsFile, removeCodingEdits, type OffsetEdit } from '../parse/codings';
import { makeQuoteSelector } from '../anchoring';
import { codingsFileOf, coderOfCodingsFile } from '../parse/config';
import { normalizeName } from '../text/text';
import { runSteps, STEP, type Steps } from '../text/steps';

export type ConsensusDecision = 'keepA' | 'keepB' | 'keepBoth' | 'drop';
export const DECISIONS: readonly ConsensusDecision[] = ['keepA', 'keepB', 'keepBoth', 'drop'];

export interface Disagreement {
  /** Stable while the codings do not change: code, document and range. */
  key: string;
  code: string;
  doc: string;
  /** The span of every coding in the cluster. */
  start: number;
  end: number;
  /** Coding ids by coder; one of the lists may be empty. */
  a: string[];
  b: string[];
}

/** A disagreement whose key is made when asked for: a page needs a few, the comparison 50,000. */
class Place implements Disagreement {
  constructor(
    readonly code: string,
    readonly doc: string,
    readonly start: number,
    readonly end: number,
    readonly a: string[],
    readonly b: string[],
  ) {}

  get key(): string {
    return `${this.code}\u0000${this.doc}\u0000${this.start}\u0000${this.end}`;
  }
}

export interface DecisionLine {
  doc: string;
  start: number;
  end: number;
  code: string;
  decision: ConsensusDecision;
  a: string;
  b: string;
  target: string;
  exact: string;
  at: string;
}

export const DEFAULT_CONSENSUS_OVERLAP = 0.8;

export function consensusLogPath(a: string, b: string): string {
  return `.qda/consensus/${[a, b].sort().join('+')}.jsonl`;
}

/** The decision lines of a log; lines that are not decisions are skipped (and kept on append). */
export function parseDecisionLog(text: string): DecisionLine[] {
  const out: DecisionLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const d = JSON.parse(raw) as DecisionLine;
      if (typeof d.doc === 'string' && typeof d.start === 'number' && typeof d.end === 'number' && typeof d.code === 'string' && DECISIONS.includes(d.decision)) out.push(d);
    } catch {
      // A line another tool or a merge left: not a decision, never dropped (appends keep it).
    }
  }
  return out;
}

function iou(a: Array<[number, number]>, b: Array<[number, number]>): number {
  // Union of each side as merged intervals, then intersection and union lengths.
  const merge = (list: Array<[number, number]>): Array<[number, number]> => {
    const sorted = [...list].sort((x, y) => x[0] - y[0]);
    const out: Array<[number, number]> = [];
    for (const [s, e] of sorted) {
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
    }
    return out;
  };
  const ma = merge(a);
  const mb = merge(b);
  const len = (l: Array<[number, number]>): number => l.reduce((n, [s, e]) => n + e - s, 0);
  let inter = 0;
  for (const [s1, e1] of ma) for (const [s2, e2] of mb) inter += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  const union = len(ma) + len(mb) - inter;
  return union === 0 ? 1 : inter / union;
}

/** One code's share of a comparison: its open disagreements are items[first .. first + count). */
export interface CodeDisagreements {
  code: string;
  count: number;
  first: number;
}

/** Two coders compared: every open disagreement in the walk's order (code, transcript, place). */
export interface Comparison {
  items: Disagreement[];
  settled: number;
  /** The codes with open disagreements, in the order of items. */
  codes: CodeDisagreements[];
}

/** Every disagreement of coder a and coder b not yet settled in the log, by code, document and place. */
export function disagreementsOf(project: Project, a: string, b: string, log: readonly DecisionLine[], overlap = DEFAULT_CONSENSUS_OVERLAP): { items: Disagreement[]; settled: number } {
  const { items, settled } = compareCoders(project, a, b, log, overlap);
  return { items, settled };
}

/**
 * The comparison of coder a and coder b: every open disagreement, ordered by code (by the
 * locale's collation), transcript path and place, with each code's count and first position —
 * what the Compare Coders view pages through, and next/previous step through by position.
 */
export function compareCoders(project: Project, a: string, b: string, log: readonly DecisionLine[], overlap = DEFAULT_CONSENSUS_OVERLAP): Comparison {
  return runSteps(compareCodersSteps(project, a, b, log, overlap));
}

/** compareCoders, pausing every STEP codings (core/text/steps.ts). */
export function* compareCodersSteps(project: Project, a: string, b: string, log: readonly DecisionLine[], overlap = DEFAULT_CONSENSUS_OVERLAP): Steps<Comparison> {
  // The log's decisions for this pair, by transcript and code: a place is settled when a
  // decision of its code overlaps it.
  const pair = [a, b].sort().join('+');
  const decisions = new Map<string, DecisionLine[]>();
  for (const l of log) {
    if ([l.a, l.b].sort().join('+') !== pair) continue;
    const k = `${l.doc}\u0000${normalizeName(l.code)}`;
    const list = decisions.get(k);
    if (list) list.push(l);
    else decisions.set(k, [l]);
  }
  // Each code's open places, filled transcript by transcript in path order; the codings of a
  // transcript come from the index already in order of place, so no sort of 50,000 codings
  // (the bench corpus) is needed, and each code's list ends up in the walk's order.
  const docsOf = (all: readonly CodingInfo[]): string[] => {
    const docs = new Set<string>();
    for (const info of all) docs.add(info.coding.doc);
    return [...docs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  };
  const sortedDocs = docsOf(project.allCodings());
  // A spelling's code: its codebook name, looked up once per spelling (a few hundred names).
  // Spellings of one name (case, spacing) that the codebook does not know are one code, named
  // as the first of them met.
  const spellings = new Map<string, { norm: string; name: string }>();
  const byCode = new Map<string, { code: string; items: Disagreement[] }>();
  let settled = 0;
  // One transcript's places (a plain function: see inParts in core/text/steps.ts).
  const compareDoc = (doc: string, ofDoc: readonly CodingInfo[]): void => {
    const here = new Map<string, Coding[]>();
    for (const info of ofDoc) {
      const c = info.coding;
      if (!info.anchored || (c.coder !== a && c.coder !== b) || c.end <= c.start) continue;
      let spelling = spellings.get(c.code);
      if (!spelling) spellings.set(c.code, (spelling = { norm: normalizeName(c.code), name: project.findCode(c.code)?.name ?? c.code }));
      const list = here.get(spelling.norm);
      if (list) list.push(c);
      else here.set(spelling.norm, [c]);
    }
    for (const [norm, list] of here) {
      let group = byCode.get(norm);
      if (!group) byCode.set(norm, (group = { code: spellings.get(list[0].code)!.name, items: [] }));
      const code = group.code;
      const decided = decisions.size ? decisions.get(`${doc}\u0000${norm}`) : undefined;
      // Clusters of codings that overlap one another (any overlap), in order of place.
      let i = 0;
      while (i < list.length) {
        const start = list[i].start;
        let end = list[i].end;
        let j = i + 1;
        while (j < list.length && list[j].start < end) end = Math.max(end, list[j++].end);
        const fromA: Coding[] = [];
        const fromB: Coding[] = [];
        for (let k = i; k < j; k++) (list[k].coder === a ? fromA : fromB).push(list[k]);
        i = j;
        const agree = fromA.length > 0 && fromB.length > 0 && iou(fromA.map((c) => [c.start, c.end]), fromB.map((c) => [c.start, c.end])) >= overlap;
        if (agree) continue;
        if (decided?.some((l) => l.start < end && l.end > start)) settled++;
        else group.items.push(new Place(code, doc, start, end, fromA.map((c) => c.id), fromB.map((c) => c.id)));
      }
    }
  };
  // A pause between transcripts, every STEP codings (a transcript's codings are a few hundred).
  let counted = 0;
  for (const doc of sortedDocs) {
    const ofDoc = project.codingsOfDoc(doc);
    if (counted >= STEP) {
      counted = 0;
      yield;
    }
    compareDoc(doc, ofDoc);
    counted += ofDoc.length;
  }
  return walkOrder(byCode, settled);
}

/** The codes in the walk's order: by collation, then by code point, so that the order is total. */
function walkOrder(byCode: ReadonlyMap<string, { code: string; items: Disagreement[] }>, settled: number): Comparison {
  const groups = [...byCode.values()].filter((g) => g.items.length > 0);
  groups.sort((x, y) => x.code.localeCompare(y.code) || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
  const items: Disagreement[] = [];
  const codes: CodeDisagreements[] = [];
  for (const g of groups) {
    codes.push({ code: g.code, count: g.items.length, first: items.length });
    for (const d of g.items) items.push(d);
  }
  // (No map from key to position: hashing 50,000 keys was most of the time; a key is found by
  // its place, with a binary search in this order — positionOfKey.)
  return { items, settled, codes };
}

/** Compares two places in the walk's order (the order of Comparison.items). */
export function comparePlaces(x: Pick<Disagreement, 'code' | 'doc' | 'start' | 'end'>, y: Pick<Disagreement, 'code' | 'doc' | 'start' | 'end'>): number {
  if (x.code !== y.code) return x.code.localeCompare(y.code) || (x.code < y.code ? -1 : 1);
  if (x.doc !== y.doc) return x.doc < y.doc ? -1 : 1;
  return x.start - y.start || x.end - y.end;
}

/** The place a key names (code, transcript, start, end), or undefined for a key that is not one. */
export function placeOfKey(key: string): Pick<Disagreement, 'code' | 'doc' | 'start' | 'end'> | undefined {
  const parts = key.split('\u0000');
  if (parts.length !== 4) return undefined;
  const [code, doc, start, end] = [parts[0], parts[1], Number(parts[2]), Number(parts[3])];
  return Number.isInteger(start) && Number.isInteger(end) ? { code, doc, start, end } : undefined;
}

/**
 * Where `key` stands in the comparison: its position when it is still open (found), else the
 * position of the first open disagreement after its place — where a walk continues from a place
 * just settled, or whose codings changed.
 */
export function positionOfKey(comparison: Comparison, key: string): { index: number; found: boolean } {
  const place = placeOfKey(key);
  if (!place) return { index: 0, found: false };
  let lo = 0;
  let hi = comparison.items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePlaces(comparison.items[mid], place) < 0) lo = mid + 1;
    else hi = mid;
  }
  return { index: lo, found: comparison.items[lo]?.key === key };
}

/**
 * The edits that settle one disagreement: the target's codings of the place become the kept ones,
 * and the decision is appended to the log. `logText` is the log's current text ('' when none).
 */
export function settleDisagreement(
  project: Project,
  a: string,
  b: string,
  d: Disagreement,
  decision: ConsensusDecision,
  target: string,
  logText: string | undefined,
  now = new Date(),
): OperationResult {
  const text = project.texts.get(d.doc);
  if (text === undefined) return { edits: [], error: l10n.t('{0} is not a transcript of this project.', d.doc) };
  const codingOf = (id: string): Coding | undefined => project.codingById(id)?.coding;
  const kept = [...(decision === 'keepA' || decision === 'keepBoth' ? d.a : []), ...(decision === 'keepB' || decision === 'keepBoth' ? d.b : [])].map(codingOf).filter((c): c is Coding => !!c);
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');

  // The target's own codings at this place that the decision does not keep are removed; kept
  // codings of the other coder (or all of them, for a consensus coder) are copied in.
  const targetIds = target === a ? d.a : target === b ? d.b : [];
  const keptIds = new Set(kept.map((c) => c.id));
  const remove = new Set(targetIds.filter((id) => !keptIds.has(id)));
  const copies: Coding[] = kept
    .filter((c) => c.coder !== target)
    .map((c) => ({ id: newCodingId(), doc: d.doc, start: c.start, end: c.end, code: c.code, ...makeQuoteSelector(text, c.start, c.end), coder: target, at }));

  const edits: FileEdit[] = [];
  const byFile = new Map<string, { remove: Set<string>; insert: Coding[] }>();
  for (const id of remove) {
    const info = project.codingById(id);
    if (!info) continue;
    // Only the target's own files (old layout or new) are its to change.
    if (coderOfCodingsFile(info.file) !== target) return { edits: [], error: l10n.t('Not settled: {0} does not belong to {1}.', info.file, target) };
    const entry = byFile.get(info.file) ?? { remove: new Set<string>(), insert: [] };
    entry.remove.add(id);
    byFile.set(info.file, entry);
  }
  if (copies.length) {
    const path = codingsFileOf(target, d.doc);
    const entry = byFile.get(path) ?? { remove: new Set<string>(), insert: [] };
    entry.insert.push(...copies);
    byFile.set(path, entry);
  }
  for (const [path, { remove: ids, insert }] of byFile) {
    const current = project.texts.get(path) ?? '';
    const file = project.codingsFiles.get(path) ?? parseCodingsFile(path, target, current);
    if (file.writeBlocked) return { edits: [], error: l10n.t('Not settled: {0}.', file.writeBlocked) };
    const fileEdits: OffsetEdit[] = [...removeCodingEdits(file, current, ids)];
    // Inserts at one place become one edit, in sorted order, so no two edits touch one offset.
    const inserts = new Map<number, OffsetEdit>();
    for (const c of insert.sort((x, y) => x.start - y.start || x.end - y.end)) {
      const e = insertCodingEdit(file, current, c);
      const same = inserts.get(e.start);
      if (same) same.newText += e.newText.replace(/^\n/, '');
      else inserts.set(e.start, { ...e });
    }
    fileEdits.push(...inserts.values());
    edits.push({ path, create: !project.texts.has(path), edits: fileEdits });
  }

  const line: DecisionLine = { doc: d.doc, start: d.start, end: d.end, code: d.code, decision, a, b, target, exact: text.slice(d.start, d.end), at };
  const log = logText ?? '';
  const sep = log === '' || log.endsWith('\n') ? '' : '\n';
  edits.push({ path: consensusLogPath(a, b), create: logText === undefined, edits: [{ start: log.length, end: log.length, newText: sep + JSON.stringify(line) + '\n' }] });
  return { edits, message: decisionMessage(decision, d.code, d.doc) };
}

function decisionMessage(d: ConsensusDecision, code: string, doc: string): string {
  if (d === 'keepA') return l10n.t('Kept A: {0} in {1}', code, doc);
  if (d === 'keepB') return l10n.t('Kept B: {0} in {1}', code, doc);
  if (d === 'keepBoth') return l10n.t('Kept both: {0} in {1}', code, doc);
  return l10n.t('Dropped: {0} in {1}', code, doc);
}
