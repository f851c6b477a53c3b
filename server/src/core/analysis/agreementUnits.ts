// From codings to agreement units: which stretches of the transcripts count as one unit, and
// what each coder's value for it is. The measures themselves live in agreement.ts.
//
// - `char`: every character of a transcript's body is a unit (NVivo's way); runs of characters
//   with the same pattern are one weighted entry.
// - `turn`: every speaker turn is a unit; a code is present in it for a coder when one of the
//   coder's codings of that code overlaps the turn (the usual choice in thesis work).
// - `segment`: codings of one code that overlap by at least `overlap` (intersection over union)
//   are one unit, whoever made them; a coder is present in it or not. No unit is absent for all.
//
// Without a domain every code is a presence/absence variable ("1"/"0") per unit, and "overall"
// pools every (unit, code) pair. With a domain (the codes of one codebook group) the group is one
// nominal variable: a coder's value is the code of the group applied to the unit, a unit the coder
// left without any of them is a missing value for that coder, and two codes of the group on one
// unit form their own value ("A + B").
import type { OffsetRange } from '../model/model';
import { firstTurnEndingAfter } from '../parse/transcript';
import * as l10n from '../text/l10n';
import { agreementFigures, HistogramBuilder, type AgreementFigures, type Rating, type RatingHistogram } from './agreement';
import { runSteps, STEP, type Steps } from '../text/steps';

export type AgreementUnit = 'char' | 'turn' | 'segment';

export interface AgreementDocument {
  path: string;
  /** Where the body starts (after frontmatter): `char` units count from here. */
  bodyStart: number;
  /** Length of the text (UTF-16 code units). */
  length: number;
  /** Speaker turns, sorted by start. */
  turns: readonly OffsetRange[];
}

export interface AgreementCoding {
  doc: string;
  start: number;
  end: number;
  code: string;
  coder: string;
}

export interface AgreementOptions {
  coders: readonly string[];
  unit: AgreementUnit;
  /** Codes to report; default every code one of the coders applied in the documents compared. */
  codes?: readonly string[];
  /** `segment` unit: least intersection over union for two codings to be one unit (0–1). */
  overlap?: number;
  /** Treat these codes (one codebook group) as the values of one nominal variable. */
  domain?: { name: string; codes: readonly string[] };
}

export interface CodeAgreement extends AgreementFigures {
  code: string;
  /** Codings of this code each coder made in the documents compared. */
  codings: Record<string, number>;
}

export interface AgreementReport {
  unit: AgreementUnit;
  coders: string[];
  /** Transcripts every named coder has coded: the only ones compared. */
  documents: string[];
  /** Transcripts some but not all of the coders coded, left out of the comparison. */
  omitted: Array<{ doc: string; codedBy: string[] }>;
  overlap?: number;
  domain?: string;
  overall: AgreementFigures;
  codes: CodeAgreement[];
}

export const DEFAULT_SEGMENT_OVERLAP = 0.5;

export function computeAgreement(documents: readonly AgreementDocument[], codings: readonly AgreementCoding[], options: AgreementOptions): AgreementReport {
  return runSteps(computeAgreementSteps(documents, codings, options));
}

/** computeAgreement, pausing between codes every STEP codings (core/text/steps.ts). */
export function* computeAgreementSteps(documents: readonly AgreementDocument[], codings: readonly AgreementCoding[], options: AgreementOptions): Steps<AgreementReport> {
  const plan = planOf(documents, codings, options);
  const codeRows: CodeAgreement[] = [];
  const pooled = new HistogramBuilder(plan.coders.length);
  // A code's codings are the work (the loops are in plain functions: see inParts in core/text/steps.ts).
  let counted = 0;
  for (const code of plan.codes) {
    if (counted >= STEP) {
      counted = 0;
      yield;
    }
    counted += 1 + codeRow(plan, code, pooled, codeRows);
  }
  return reportOf(plan, pooled, codeRows, options);
}

interface Plan {
  coders: string[];
  overlap: number;
  coderIndex: Map<string, number>;
  compared: AgreementDocument[];
  omitted: AgreementReport['omitted'];
  byCode: Map<string, Map<string, AgreementCoding[]>>;
  codes: string[];
  totalUnits: number;
  unit: AgreementUnit;
}

/** What is compared: the coders, the transcripts every one of them coded, and the codings by code and transcript. */
function planOf(documents: readonly AgreementDocument[], codings: readonly AgreementCoding[], options: AgreementOptions): Plan {
  const coders = [...options.coders];
  if (coders.length < 2) throw new Error(l10n.t('agreement needs at least two coders'));
  if (coders.length > 30) throw new Error(l10n.t('agreement compares at most {0} coders', 30));
  if (new Set(coders).size !== coders.length) throw new Error(l10n.t('a coder is named twice'));
  if (options.domain && options.unit === 'segment') throw new Error(l10n.t('a domain is compared by char or turn units, not by segment'));
  const overlap = options.overlap ?? DEFAULT_SEGMENT_OVERLAP;
  if (!(overlap > 0 && overlap <= 1)) throw new Error(l10n.t('the overlap threshold must be above 0 and at most 1'));
  const coderIndex = new Map(coders.map((c, i) => [c, i]));

  // Which documents every coder coded.
  const docByPath = new Map(documents.map((d) => [d.path, d]));
  const codedBy = new Map<string, Set<string>>();
  for (const c of codings) {
    if (!coderIndex.has(c.coder) || !docByPath.has(c.doc)) continue;
    let s = codedBy.get(c.doc);
    if (!s) codedBy.set(c.doc, (s = new Set()));
    s.add(c.coder);
  }
  const compared: AgreementDocument[] = [];
  const omitted: AgreementReport['omitted'] = [];
  for (const d of [...documents].sort((a, b) => cmp(a.path, b.path))) {
    const s = codedBy.get(d.path);
    if (!s) continue;
    if (s.size === coders.length) compared.push(d);
    else omitted.push({ doc: d.path, codedBy: coders.filter((c) => s.has(c)) });
  }
  const comparedPaths = new Set(compared.map((d) => d.path));

  // Codings of the compared documents, by code and document.
  const byCode = new Map<string, Map<string, AgreementCoding[]>>();
  for (const c of codings) {
    if (!coderIndex.has(c.coder) || !comparedPaths.has(c.doc) || c.end <= c.start) continue;
    let docs = byCode.get(c.code);
    if (!docs) byCode.set(c.code, (docs = new Map()));
    let list = docs.get(c.doc);
    if (!list) docs.set(c.doc, (list = []));
    list.push(c);
  }
  const codes = options.codes ? [...new Set(options.codes)] : [...byCode.keys()].sort(cmp);
  // Units of a code nobody applied: every turn, or every character of the bodies.
  let totalUnits = 0;
  for (const d of compared) totalUnits += options.unit === 'turn' ? d.turns.length : Math.max(0, d.length - d.bodyStart);
  return { coders, overlap, coderIndex, compared, omitted, byCode, codes, totalUnits, unit: options.unit };
}

/** One code's row (added to `rows`, its histogram to `pooled`); returns how many codings it went through. */
function codeRow(plan: Plan, code: string, pooled: HistogramBuilder, rows: CodeAgreement[]): number {
  const docs = plan.byCode.get(code) ?? new Map<string, AgreementCoding[]>();
  const h = presenceHistogram(plan.compared, docs, plan.coderIndex, plan.unit, plan.overlap, plan.totalUnits);
  pooled.addAll(h);
  const counts: Record<string, number> = Object.fromEntries(plan.coders.map((c) => [c, 0]));
  let n = 0;
  for (const list of docs.values()) {
    n += list.length;
    for (const c of list) counts[c.coder]++;
  }
  const figures = agreementFigures(h);
  if (!docs.size && !figures.note) figures.note = 'no coder applied this code';
  rows.push({ code, ...figures, codings: counts });
  return n;
}

function reportOf(plan: Plan, pooled: HistogramBuilder, codeRows: CodeAgreement[], options: AgreementOptions): AgreementReport {
  let overall: AgreementFigures;
  if (options.domain) {
    const domainCodes = new Set(options.domain.codes);
    const domainCodings: AgreementCoding[] = [];
    for (const code of domainCodes) for (const list of plan.byCode.get(code)?.values() ?? []) domainCodings.push(...list);
    overall = agreementFigures(domainHistogram(plan.compared, domainCodings, plan.coderIndex, options.unit as 'char' | 'turn'));
  } else {
    overall = agreementFigures(pooled.build());
  }

  const report: AgreementReport = { unit: options.unit, coders: plan.coders, documents: plan.compared.map((d) => d.path), omitted: plan.omitted, overall, codes: codeRows };
  if (options.unit === 'segment') report.overlap = plan.overlap;
  if (options.domain) report.domain = options.domain.name;
  return report;
}

/**
 * One code as presence ("1") or absence ("0") per unit and coder. Counted as coder bitmasks
 * (coder i present = bit i) and turned into rating patterns once at the end, so the cost follows
 * the code's codings: the units nobody coded are one subtraction.
 */
function presenceHistogram(
  compared: readonly AgreementDocument[],
  docs: ReadonlyMap<string, AgreementCoding[]>,
  coderIndex: ReadonlyMap<string, number>,
  unit: AgreementUnit,
  overlap: number,
  totalUnits: number,
): RatingHistogram {
  const n = coderIndex.size;
  const masks = new Map<number, number>();
  const count = (mask: number, weight = 1): void => {
    masks.set(mask, (masks.get(mask) ?? 0) + weight);
  };
  let touched = 0;
  for (const d of compared) {
    const list = docs.get(d.path);
    if (!list) continue;
    if (unit === 'turn') {
      const perTurn = new Map<number, number>();
      for (const c of list) {
        const bit = 1 << coderIndex.get(c.coder)!;
        const [first, last] = turnSpan(d.turns, c.start, c.end);
        for (let t = first; t < last; t++) perTurn.set(t, (perTurn.get(t) ?? 0) | bit);
      }
      for (const mask of perTurn.values()) count(mask);
      touched += perTurn.size;
    } else if (unit === 'char') {
      for (const run of sweep(d, list, (c) => coderIndex.get(c.coder)!, n)) {
        let mask = 0;
        run.sets.forEach((s, i) => {
          if (s.size) mask |= 1 << i;
        });
        count(mask, run.length);
        touched += run.length;
      }
    } else {
      for (const cluster of overlapClusters(list, overlap)) {
        let mask = 0;
        for (const c of cluster) mask |= 1 << coderIndex.get(c.coder)!;
        count(mask);
      }
    }
  }
  if (unit !== 'segment') count(0, totalUnits - touched);
  const b = new HistogramBuilder(n);
  for (const [mask, weight] of masks) b.add(Array.from({ length: n }, (_, i) => ((mask >> i) & 1 ? '1' : '0')), weight);
  return b.build();
}

/** The codes of one domain as one nominal variable per unit; no code of it = missing. */
function domainHistogram(
  compared: readonly AgreementDocument[],
  codings: readonly AgreementCoding[],
  coderIndex: ReadonlyMap<string, number>,
  unit: 'char' | 'turn',
): RatingHistogram {
  const n = coderIndex.size;
  const b = new HistogramBuilder(n);
  const value = (codes: Iterable<string>): Rating => {
    const list = [...codes].sort(cmp);
    return list.length ? list.join(' + ') : null;
  };
  const byDoc = new Map<string, AgreementCoding[]>();
  for (const c of codings) {
    let l = byDoc.get(c.doc);
    if (!l) byDoc.set(c.doc, (l = []));
    l.push(c);
  }
  for (const d of compared) {
    const list = byDoc.get(d.path) ?? [];
    if (unit === 'turn') {
      const sets = new Map<number, Array<Set<string>>>();
      for (const c of list) {
        const [first, last] = turnSpan(d.turns, c.start, c.end);
        for (let t = first; t < last; t++) {
          let s = sets.get(t);
          if (!s) sets.set(t, (s = Array.from({ length: n }, () => new Set<string>())));
          s[coderIndex.get(c.coder)!].add(c.code);
        }
      }
      for (const s of sets.values()) b.add(s.map(value));
    } else {
      for (const run of sweep(d, list, (c) => coderIndex.get(c.coder)!, n)) b.add(run.sets.map((s) => value(s.keys())), run.length);
    }
  }
  return b.build();
}

/** The turns [first, last) that [start, end) overlaps; turns are sorted and do not overlap. */
function turnSpan(turns: readonly OffsetRange[], start: number, end: number): [number, number] {
  const lo = firstTurnEndingAfter(turns, start);
  let last = lo;
  while (last < turns.length && turns[last].start < end) last++;
  return [lo, last];
}

/**
 * Runs of characters of the body over which every coder's set of active codes is constant and
 * not empty for at least one coder. Each set maps a code to how many of the coder's codings of
 * it cover the run (a coder may code one passage twice).
 */
function* sweep(
  d: AgreementDocument,
  codings: readonly AgreementCoding[],
  coderOf: (c: AgreementCoding) => number,
  n: number,
): Generator<{ length: number; sets: Array<Map<string, number>> }> {
  const events: Array<{ at: number; delta: 1 | -1; coder: number; code: string }> = [];
  for (const c of codings) {
    const start = Math.max(c.start, d.bodyStart);
    const end = Math.min(c.end, d.length);
    if (end <= start) continue;
    events.push({ at: start, delta: 1, coder: coderOf(c), code: c.code }, { at: end, delta: -1, coder: coderOf(c), code: c.code });
  }
  events.sort((a, b) => a.at - b.at);
  const sets = Array.from({ length: n }, () => new Map<string, number>());
  let active = 0;
  for (let i = 0; i < events.length; ) {
    const at = events[i].at;
    for (; i < events.length && events[i].at === at; i++) {
      const e = events[i];
      const s = sets[e.coder];
      const k = (s.get(e.code) ?? 0) + e.delta;
      if (k) s.set(e.code, k);
      else s.delete(e.code);
      active += e.delta;
    }
    if (active > 0 && i < events.length) yield { length: events[i].at - at, sets };
  }
}

/** Groups one code's codings of one document into units: connected by intersection/union ≥ overlap. */
function overlapClusters(codings: readonly AgreementCoding[], overlap: number): AgreementCoding[][] {
  const list = [...codings].sort((a, b) => a.start - b.start || a.end - b.end);
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length && list[j].start < list[i].end; j++) {
      const inter = Math.min(list[i].end, list[j].end) - list[j].start;
      const union = Math.max(list[i].end, list[j].end) - list[i].start;
      if (inter / union >= overlap - 1e-9) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, AgreementCoding[]>();
  list.forEach((c, i) => {
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(c);
  });
  return [...groups.values()];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
