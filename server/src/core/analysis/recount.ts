// Incremental analysis counts: the segments, the framework matrix and the co-occurrence of a
// project, kept between requests instead of computed from every coding each time (50,000 in
// the benchmark: ~134 ms for a matrix, ~200 ms for the co-occurrence, asked again by every open
// view after each change of the index).
//
// Each transcript is one document here: its segments (every coder's codings of it) and its part
// of each total in use (the matrix tally per coder and measure, the pair counts per coder) are
// kept under the document's version (Project.docVersion), which changes with its text, turns,
// codings and their placement, and with every full rebuild of the index (after qda.yaml, the
// codebook, a note or a codings file it could not patch changed). When the project's version
// moves, the documents whose version moved have their segments made again; where they differ
// from the kept ones, the old part is taken from the totals and the new one added. Where they
// do not (a note edited, a code moved between themes: the index was rebuilt, the document's
// codings were not touched), the parts stay. The answers are kept per project version.
// Informant attributes and the codebook's tree are read when an answer is made, never kept in a
// part, and a part keys codes by their normalised name; a code's spelling in the codebook is in
// the segments, so a renamed code counts its documents again.
//
// The counts equal those from scratch (analysisSegments + buildMatrix / cooccurrence): the
// same functions make a document's part and the totals, and test/unit/recount.test.ts compares
// the two after random edits.
import type { Project } from '../project/project';
import { codebookNames, docSegments, segmentTest, type AnalysisSegment, type SegmentFilter } from './segments';
import { addTally, emptyTally, matrixOf, tallySegments, type Matrix, type MatrixCount, type MatrixRows, type MatrixTally } from './matrix';
import { addPairs, CodeNumbers, cooccurrenceOf, countPairs, type Cooccurrence, type PairCounts } from './cooccur';
import { runSteps, STEP, type Steps } from '../text/steps';

interface Doc {
  /**
   * The document's key when its segments were made. A transcript read again (moved away and
   * back, changed on disk, closed unsaved) moves it: the file store reports every transcript
   * it reads anew or removes (FileStore's `replaced`), so no path can forget.
   */
  version: string;
  /** The transcript's text the parts were counted on (the words coded are in it). */
  text: string | undefined;
  segments: AnalysisSegment[];
  /** This document's part of each total in use, by the total's key. */
  parts: Map<string, unknown>;
}

/** A total over every document, kept by adding and taking away their parts. */
interface Total {
  value: unknown;
  part(doc: Doc): unknown;
  apply(part: unknown, sign: 1 | -1): void;
}

interface PairPart extends PairCounts {
  /** Each code present in the document (by number): its name as its first segment spells it. */
  first: Map<number, string>;
}

export interface MatrixOptions {
  /** One coder's codings (default: every coder's). */
  coder?: string;
  rows?: MatrixRows;
  cols?: string;
  count?: MatrixCount;
}

const caches = new WeakMap<Project, AnalysisCache>();

/** The one cache of a project: the server's features and the CLI ask it, so they count alike. */
export function analysisOf(project: Project): AnalysisCache {
  let cache = caches.get(project);
  if (!cache) caches.set(project, (cache = new AnalysisCache(project)));
  return cache;
}

export class AnalysisCache {
  private readonly docs = new Map<string, Doc>();
  /** The documents' paths in segment order. */
  private order: string[] = [];
  /** A document was added or removed since `order` was made (also by a refresh stopped before its end). */
  private reorder = false;
  /** Bumped whenever a document is counted again, added or removed (a total being made checks it). */
  private changes = 0;
  private readonly totals = new Map<string, Total>();
  private readonly numbers = new CodeNumbers();
  /** Codebook spellings by a coding's spelling, for the codebook they were looked up in. */
  private names: { codebook: unknown; nameOf: (code: string) => string } | undefined;
  private version = -1;
  /** Answers for this project version, by request. */
  private readonly answers = new Map<string, unknown>();

  constructor(private readonly project: Project) {}

  /** As analysisSegments(project, filter). */
  segments(filter: SegmentFilter = {}): AnalysisSegment[] {
    const all = this.answer('segments', () => this.order.flatMap((path) => this.docs.get(path)!.segments));
    const test = segmentTest(this.project, filter);
    return test ? all.filter(test) : [...all];
  }

  /** As buildMatrix(project, analysisSegments(project, { coders: [coder] }), options). */
  matrix(options: MatrixOptions = {}): Matrix {
    const { coder, rows, cols, count } = options;
    return this.answer(`matrix\u0000${coder ?? ''}\u0000${rows}\u0000${cols}\u0000${count}`, () => {
      const codings = this.tally(coder, 'codings');
      return matrixOf(this.project, codings, count === 'words' ? this.tally(coder, 'words') : codings, { rows, cols, count });
    });
  }

  /** As cooccurrence(analysisSegments(project, { coders: [coder] })). */
  cooccurrence(coder?: string): Cooccurrence {
    return this.answer(`cooccurrence\u0000${coder ?? ''}`, () => {
      const { key, counts } = this.pairs(coder);
      // The codes present, each named as the first of its segments in segment order spells it.
      const names = new Map<number, string>();
      for (const path of this.order) {
        for (const [code, name] of (this.docs.get(path)!.parts.get(key) as PairPart).first) if (!names.has(code)) names.set(code, name);
      }
      return cooccurrenceOf(names, counts);
    });
  }

  /** Every coder of a coding in the project (anchored or not), sorted. */
  coders(): string[] {
    return this.answer('coders', () => [...new Set(this.project.allCodings().map((i) => i.coding.coder))].sort());
  }

  // ---- keeping the documents current ----------------------------------------------------

  /** A kept answer of this project version, or a new one (after bringing the documents up to date). */
  private answer<T>(key: string, make: () => T): T {
    runSteps(this.refresh());
    if (this.answers.has(key)) return this.answers.get(key) as T;
    const value = make();
    this.answers.set(key, value);
    return value;
  }

  /**
   * Brings the kept documents up to date with the project, pausing between documents once STEP
   * segments were made (core/text/steps.ts): the language server runs it in slices
   * (cancellation.ts) before it asks for an answer, which is then made from the totals at once.
   * Stopped at a pause, what was done stays consistent — each document counted again has its old
   * part taken away and its new one added before the pause — and the next refresh goes on from
   * there (the documents already current are skipped by their version).
   */
  *refresh(): Steps<void> {
    const project = this.project;
    const version = project.version;
    if (version === this.version) return;
    this.answers.clear();
    if (this.names?.codebook !== project.codebook) this.names = { codebook: project.codebook, nameOf: codebookNames(project) };
    const seen = new Set<string>();
    let made = 0;
    for (const path of [...project.transcripts.keys()]) {
      if (made >= STEP) {
        made = 0;
        yield;
        // The project changed during the pause: this pass ends here, unfinished (this.version
        // stays behind), and the next refresh goes on on the new version. runSliced starts over.
        if (project.version !== version) return;
      }
      seen.add(path);
      const docVersion = project.docVersion(path);
      const kept = this.docs.get(path);
      if (kept?.version === docVersion) continue;
      const segments = docSegments(project, path, this.names.nameOf);
      made += segments.length;
      const text = project.textOf(path);
      if (kept && sameSegments(kept.segments, segments) && (text === kept.text || !this.wordsCounted())) {
        // The index was rebuilt (a note, the codebook, qda.yaml changed) or the text changed
        // away from every coding, but this document counts as before: every part is a function
        // of its segments, and the words coded one of its text too.
        kept.version = docVersion;
        kept.text = text;
        this.changes++;
        continue;
      }
      if (kept) this.apply(kept, -1);
      else this.reorder = true;
      const doc: Doc = { version: docVersion, text, segments, parts: new Map() };
      for (const [key, total] of this.totals) doc.parts.set(key, total.part(doc));
      this.apply(doc, 1);
      this.docs.set(path, doc);
      this.changes++;
    }
    for (const [path, doc] of this.docs) {
      if (seen.has(path)) continue;
      this.apply(doc, -1);
      this.docs.delete(path);
      this.changes++;
      this.reorder = true;
    }
    if (this.reorder) this.order = [...this.docs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.reorder = false;
    this.version = version;
  }

  /** Whether a words total is kept (then a document's text matters, not only its segments). */
  private wordsCounted(): boolean {
    for (const key of this.totals.keys()) if (key.startsWith('words')) return true;
    return false;
  }

  /** Adds a document's parts to the totals, or takes them away. */
  private apply(doc: Doc, sign: 1 | -1): void {
    for (const [key, total] of this.totals) total.apply(doc.parts.get(key), sign);
  }

  /** A total, made from every document's part the first time it is asked for. */
  private total(key: string, make: () => Total): Total {
    return runSteps(this.totalSteps(key, make));
  }

  /**
   * total, pausing between documents once STEP segments were counted. The parts are kept and
   * the total is put in use only at the end, and only if no document changed meanwhile (else
   * it is counted again), so a total stopped halfway leaves nothing behind.
   */
  private *totalSteps(key: string, make: () => Total): Steps<Total> {
    const kept = this.totals.get(key);
    if (kept) return kept;
    const changes = this.changes;
    const total = make();
    const parts = new Map<Doc, unknown>();
    let counted = 0;
    for (const doc of [...this.docs.values()]) {
      if (counted >= STEP) {
        counted = 0;
        yield;
        if (this.changes !== changes || this.totals.has(key)) return yield* this.totalSteps(key, make);
      }
      parts.set(doc, total.part(doc));
      counted += doc.segments.length;
    }
    for (const [doc, part] of parts) {
      doc.parts.set(key, part);
      total.apply(part, 1);
    }
    this.totals.set(key, total);
    return total;
  }

  /**
   * Brings what an answer needs up to date, pausing now and then (core/text/steps.ts): the
   * documents, and the totals the matrix or the co-occurrence asked for are made of. The
   * language server runs it in slices (cancellation.ts, runSliced) and then asks for the answer,
   * which is made at once from the totals. Ended early because the project changed during a
   * pause, it leaves the rest to the next call (runSliced starts over).
   */
  *ready(need: { matrix?: MatrixOptions; cooccurrence?: { coder?: string } } = {}): Steps<void> {
    yield* this.refresh();
    if (this.version !== this.project.version) return;
    if (need.matrix) {
      const { coder, count } = need.matrix;
      yield* this.totalSteps(...this.tallyTotal(coder, 'codings'));
      if (count === 'words') yield* this.totalSteps(...this.tallyTotal(coder, 'words'));
    }
    if (need.cooccurrence) yield* this.totalSteps(...this.pairsTotal(need.cooccurrence.coder));
  }

  private ofCoder(doc: Doc, coder: string | undefined): readonly AnalysisSegment[] {
    return coder === undefined ? doc.segments : doc.segments.filter((s) => s.coder === coder);
  }

  /** The matrix tally of one coder's segments (or every coder's), of codings or of words. */
  private tally(coder: string | undefined, measure: 'codings' | 'words'): MatrixTally {
    return this.total(...this.tallyTotal(coder, measure)).value as MatrixTally;
  }

  /** The key and the maker of a matrix tally's total. */
  private tallyTotal(coder: string | undefined, measure: 'codings' | 'words'): [string, () => Total] {
    return [
      `${measure}\u0000${coder ?? ''}`,
      () => {
        const value = emptyTally();
        return {
          value,
          part: (doc) => tallySegments(this.project, this.ofCoder(doc, coder), measure),
          apply: (part, sign) => addTally(value, part as MatrixTally, sign),
        };
      },
    ];
  }

  /** The pair counts of one coder's segments (or every coder's), with each document's first spellings. */
  private pairs(coder: string | undefined): { key: string; counts: PairCounts } {
    const [key, make] = this.pairsTotal(coder);
    return { key, counts: this.total(key, make).value as PairCounts };
  }

  /** The key and the maker of a pair counts' total. */
  private pairsTotal(coder: string | undefined): [string, () => Total] {
    return [`pairs\u0000${coder ?? ''}`, () => {
      const value: PairCounts = { overlapping: new Map(), sameTurn: new Map() };
      return {
        value,
        part: (doc): PairPart => {
          const list = this.ofCoder(doc, coder);
          const numberOf = new Map<AnalysisSegment, number>();
          const first = new Map<number, string>();
          for (const s of list) {
            const n = this.numbers.of(s.code);
            numberOf.set(s, n);
            if (!first.has(n)) first.set(n, s.code);
          }
          return { ...countPairs(list, (s) => numberOf.get(s)!), first };
        },
        apply: (part, sign) => addPairs(value, part as PairPart, sign),
      };
    }];
  }
}

function sameSegments(a: readonly AnalysisSegment[], b: readonly AnalysisSegment[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.id !== y.id || x.start !== y.start || x.end !== y.end || x.code !== y.code || x.coder !== y.coder || x.informant !== y.informant || x.firstTurn !== y.firstTurn || x.lastTurn !== y.lastTurn || x.doc !== y.doc) return false;
  }
  return true;
}
