// The framework matrix: rows are themes › groups › codes of the codebook, columns informants or
// the values of one informant attribute; a cell counts codings, distinct informants, or words
// coded. A coding counts in the column of the informant of the turn where it starts (see
// segments.ts); codings in interviewer turns belong to no column and are not counted.
import type { CodebookCategory } from '../model/model';
import { compareCodes } from '../ops/informants';
import { countWords, normalizeName } from '../text/text';
import { csvDocument } from '../text/csv';
import type { Project } from '../project/project';
import { inParts, runSteps, type Steps } from '../text/steps';
import { segmentText, type AnalysisSegment } from './segments';

export type MatrixRows = 'themes' | 'groups' | 'codes';
export type MatrixCount = 'codings' | 'informants' | 'words';

export interface MatrixRow {
  name: string;
  kind: 'theme' | 'group' | 'code';
  /** Depth in the tree: 0 for themes. */
  depth: number;
  cells: Record<string, number>;
  total: number;
}

export interface Matrix {
  /** 'informants' or the attribute's name. */
  by: string;
  count: MatrixCount;
  columns: string[];
  rows: MatrixRow[];
}

/** The value an informant has for the attribute; informants without it share this column. */
export const NO_VALUE = '(none)';

/**
 * The last section of rows: codings whose code the codebook does not define (renamed by hand,
 * a typo in a codings file; `qda check` warns of each). They count there, so that the matrix adds
 * up to what `query`, `cooccur` and the segment table list; the Codebook tree shows them apart too.
 */
export const NOT_IN_CODEBOOK = '(not in the codebook)';

/**
 * The codes a row counts: a theme or group every code in it, a code only itself (its child codes
 * have rows of their own), the last section every code the codebook does not define.
 */
export function codesOfRow(project: Project, kind: MatrixRow['kind'], name: string): string[] {
  if (kind === 'theme' && isNotInCodebookSection(project, name)) return unknownCodes(project);
  const category = kind === 'code' ? undefined : project.findCategory(name);
  return category ? project.codesInCategory(category).map((c) => c.name) : [name];
}

/** Whether a row name is the last section's (and not a category the codebook happens to call so). */
export function isNotInCodebookSection(project: Project, name: string): boolean {
  return name === NOT_IN_CODEBOOK && !project.findCategory(name);
}

/**
 * Codes of codings that the codebook does not define, each as first written, in name order:
 * of the codes `keys` (normalised), else of every coding.
 */
function unknownCodes(project: Project, keys?: Iterable<string>): string[] {
  const names = new Map<string, string>();
  if (keys) {
    for (const key of keys) if (!project.findCode(key)) names.set(key, project.codingsOfCode(key)[0]?.coding.code ?? key);
  } else {
    for (const info of project.allCodings()) {
      const key = normalizeName(info.coding.code);
      if (!names.has(key) && !project.findCode(key)) names.set(key, info.coding.code);
    }
  }
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

/**
 * What the matrix is computed from: per code (normalised) and informant, the codings (or the
 * words coded) of the segments that belong to an informant. A sum over segments, so one
 * document's part can be taken away and added again (recount.ts); entries at zero are removed.
 */
export interface MatrixTally {
  cells: Map<string, Map<string, number>>;
  /** Per informant, over every code: the informants that add a column. */
  informants: Map<string, number>;
}

export function emptyTally(): MatrixTally {
  return { cells: new Map(), informants: new Map() };
}

/** Adds the segments' codings (or words) to the tally. */
export function tallySegments(project: Project, segments: readonly AnalysisSegment[], measure: 'codings' | 'words', into: MatrixTally = emptyTally()): MatrixTally {
  for (const s of segments) {
    if (s.informant === null) continue;
    const n = measure === 'codings' ? 1 : countWords(segmentText(project, s));
    bump(into, normalizeName(s.code), s.informant, n);
  }
  return into;
}

/** Adds a document's part to a total (sign 1), or takes it away again (-1). */
export function addTally(total: MatrixTally, part: MatrixTally, sign: 1 | -1): void {
  for (const [code, byInformant] of part.cells) for (const [informant, n] of byInformant) bump(total, code, informant, sign * n, false);
  for (const [informant, n] of part.informants) {
    const v = (total.informants.get(informant) ?? 0) + sign * n;
    if (v === 0) total.informants.delete(informant);
    else total.informants.set(informant, v);
  }
}

function bump(t: MatrixTally, code: string, informant: string, n: number, informants = true): void {
  let byInformant = t.cells.get(code);
  if (!byInformant) t.cells.set(code, (byInformant = new Map()));
  const v = (byInformant.get(informant) ?? 0) + n;
  if (v !== 0) byInformant.set(informant, v);
  else {
    byInformant.delete(informant);
    if (!byInformant.size) t.cells.delete(code);
  }
  // Counted per segment (not per word): a segment of no words still adds its column.
  if (informants) t.informants.set(informant, (t.informants.get(informant) ?? 0) + 1);
}

/** The matrix of any list of segments (a query's, a filter's), counted from scratch. */
export function buildMatrix(project: Project, segments: readonly AnalysisSegment[], options: { rows?: MatrixRows; cols?: string; count?: MatrixCount } = {}): Matrix {
  return runSteps(buildMatrixSteps(project, segments, options));
}

/**
 * buildMatrix, pausing every STEP segments while it tallies them (core/text/steps.ts). The
 * matrix made from the tallies (codes × columns) is one piece.
 */
export function* buildMatrixSteps(project: Project, segments: readonly AnalysisSegment[], options: { rows?: MatrixRows; cols?: string; count?: MatrixCount } = {}): Steps<Matrix> {
  const codings = emptyTally();
  yield* inParts(segments.length, (from, to) => void tallySegments(project, segments.slice(from, to), 'codings', codings));
  let counted = codings;
  if (options.count === 'words') {
    counted = emptyTally();
    yield* inParts(segments.length, (from, to) => void tallySegments(project, segments.slice(from, to), 'words', counted));
  }
  return matrixOf(project, codings, counted, options);
}

/**
 * The matrix from tallies: `codings` gives the columns and the informants counted; `counted` the
 * numbers summed in the cells (the codings tally again, or the words one).
 */
export function matrixOf(project: Project, codings: MatrixTally, counted: MatrixTally, options: { rows?: MatrixRows; cols?: string; count?: MatrixCount } = {}): Matrix {
  const rowsKind = options.rows ?? 'codes';
  const by = options.cols ?? 'informants';
  const count = options.count ?? 'codings';
  const attribute = by === 'informants' ? undefined : by;
  const columnOf = (informant: string): string => {
    if (!attribute) return informant;
    const value = project.config.informants[informant]?.[attribute];
    return value === undefined || value === '' ? NO_VALUE : value;
  };

  // Columns: every informant of the project, coded or not; or every value the attribute has
  // in qda.yaml, and "(none)" only when a coded informant lacks it (an informant of a new
  // transcript not yet described should not add an empty column).
  const columnSet = new Set<string>();
  if (attribute) {
    for (const attrs of Object.values(project.config.informants)) if (attrs[attribute]) columnSet.add(attrs[attribute]);
  } else for (const informant of project.informantLabels()) columnSet.add(informant);
  for (const informant of codings.informants.keys()) columnSet.add(columnOf(informant));
  const columns = [...columnSet].sort((a, b) => (a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : attribute ? a.localeCompare(b) : compareCodes(a, b)));
  const columnCache = new Map<string, string>();
  const column = (informant: string): string => {
    let c = columnCache.get(informant);
    if (c === undefined) columnCache.set(informant, (c = columnOf(informant)));
    return c;
  };

  const row = (name: string, kind: MatrixRow['kind'], depth: number, codes: readonly string[]): MatrixRow => {
    const cells: Record<string, number> = Object.fromEntries(columns.map((c) => [c, 0]));
    const informantsPer = new Map<string, Set<string>>();
    const allInformants = new Set<string>();
    let total = 0;
    for (const code of codes) {
      const key = normalizeName(code);
      if (count === 'informants') {
        for (const informant of codings.cells.get(key)?.keys() ?? []) {
          const col = column(informant);
          let set = informantsPer.get(col);
          if (!set) informantsPer.set(col, (set = new Set()));
          set.add(informant);
          allInformants.add(informant);
        }
        continue;
      }
      for (const [informant, n] of counted.cells.get(key) ?? []) {
        cells[column(informant)] += n;
        total += n;
      }
    }
    if (count === 'informants') {
      for (const [col, set] of informantsPer) cells[col] = set.size;
      total = allInformants.size;
    }
    return { name, kind, depth, cells, total };
  };

  // Walk the codebook: themes (level-2 headings), their groups, the codes directly under each.
  const categories = project.codebook.categories;
  const topLevel = Math.min(...categories.map((c) => c.level), Infinity);
  const rows: MatrixRow[] = [];
  const codesUnder = (c: CodebookCategory): string[] => project.codesInCategory(c).map((x) => x.name);
  for (const category of categories) {
    const isTheme = category.level === topLevel;
    if (!isTheme && rowsKind === 'themes') continue;
    const depth = category.level - topLevel;
    rows.push(row(category.name, isTheme ? 'theme' : 'group', depth, codesUnder(category)));
    if (rowsKind !== 'codes') continue;
    // Codes that sit directly in this category, not in one of its sub-categories.
    const sub = categories.filter((c) => c !== category && c.range.start >= category.range.start && c.range.end <= category.range.end);
    for (const code of project.codesInCategory(category)) {
      if (sub.some((c) => code.range.start >= c.range.start && code.range.end <= c.range.end)) continue;
      rows.push(row(code.name, 'code', depth + 1 + (code.parentCode ? 1 : 0), [code.name]));
    }
  }
  if (rowsKind === 'codes') {
    // Codes outside any category (a codebook without headings).
    for (const code of project.codebook.codes) if (!code.categoryPath.length) rows.push(row(code.name, 'code', 0, [code.name]));
  }
  // Only the tally's few codes are looked at: this runs again after every edit (recount.ts).
  const unknown = unknownCodes(project, codings.cells.keys());
  if (unknown.length) {
    rows.push(row(NOT_IN_CODEBOOK, 'theme', 0, unknown));
    if (rowsKind === 'codes') for (const name of unknown) rows.push(row(name, 'code', 1, [name]));
  }
  return { by, count, columns, rows };
}

/** The row name in the first column, then kind, one column per informant or value, and the total. */
export function matrixTable(matrix: Matrix): Array<Array<string | number>> {
  return [['name', 'kind', ...matrix.columns, 'total'], ...matrix.rows.map((r) => [r.name, r.kind, ...matrix.columns.map((c) => r.cells[c]), r.total])];
}

export function matrixToCsv(matrix: Matrix): string {
  return csvDocument(matrixTable(matrix));
}
