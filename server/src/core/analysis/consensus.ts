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
import type { Project } from '../project/project';
import type { FileEdit, OperationResult } from '../model/edits';
import { insertCodingEdit, newCodingId, parseCodingsFile, removeCodingEdits, type OffsetEdit } from '../parse/codings';
import { makeQuoteSelector } from '../anchoring';
import { codingsFileOf, coderOfCodingsFile } from '../parse/config';
import { normalizeName } from '../text/text';

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

/** Every disagreement of coder a and coder b not yet settled in the log, by code, document and place. */
export function disagreementsOf(project: Project, a: string, b: string, log: readonly DecisionLine[], overlap = DEFAULT_CONSENSUS_OVERLAP): { items: Disagreement[]; settled: number } {
  const byKey = new Map<string, Coding[]>();
  for (const info of project.allCodings()) {
    const c = info.coding;
    if (!info.anchored || (c.coder !== a && c.coder !== b) || c.end <= c.start) continue;
    const code = project.findCode(c.code)?.name ?? c.code;
    const key = `${normalizeName(code)}\u0000${c.doc}`;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push({ ...c, code });
  }
  const settledBy = (d: Disagreement): boolean =>
    log.some((l) => l.doc === d.doc && normalizeName(l.code) === normalizeName(d.code) && l.start < d.end && l.end > d.start && [l.a, l.b].sort().join('+') === [a, b].sort().join('+'));
  const items: Disagreement[] = [];
  let settled = 0;
  for (const list of byKey.values()) {
    list.sort((x, y) => x.start - y.start || x.end - y.end);
    // Clusters of codings that overlap one another (any overlap).
    let cluster: Coding[] = [];
    let clusterEnd = -1;
    const flush = (): void => {
      if (!cluster.length) return;
      const fromA = cluster.filter((c) => c.coder === a);
      const fromB = cluster.filter((c) => c.coder === b);
      const agree = fromA.length > 0 && fromB.length > 0 && iou(fromA.map((c) => [c.start, c.end]), fromB.map((c) => [c.start, c.end])) >= overlap;
      if (!agree) {
        const start = Math.min(...cluster.map((c) => c.start));
        const end = Math.max(...cluster.map((c) => c.end));
        const d: Disagreement = { key: `${cluster[0].code}\u0000${cluster[0].doc}\u0000${start}\u0000${end}`, code: cluster[0].code, doc: cluster[0].doc, start, end, a: fromA.map((c) => c.id), b: fromB.map((c) => c.id) };
        if (settledBy(d)) settled++;
        else items.push(d);
      }
      cluster = [];
    };
    for (const c of list) {
      if (c.start >= clusterEnd) flush();
      cluster.push(c);
      clusterEnd = Math.max(clusterEnd, c.end);
    }
    flush();
  }
  items.sort((x, y) => x.code.localeCompare(y.code) || (x.doc < y.doc ? -1 : x.doc > y.doc ? 1 : x.start - y.start));
  return { items, settled };
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
  return { edits, message: `${decisionLabel(decision)}: ${d.code} in ${d.doc}` };
}

function decisionLabel(d: ConsensusDecision): string {
  return d === 'keepA' ? 'Kept A' : d === 'keepB' ? 'Kept B' : d === 'keepBoth' ? 'Kept both' : 'Dropped';
}
