// The framework matrix: rows are themes › groups › codes of the codebook, columns informants or
// the values of one informant attribute; a cell counts codings, distinct informants, or words
// coded. A coding counts in the column of the informant of the turn where it starts (see
// segments.ts); codings in interviewer turns belong to no column and are not counted.
import type { CodebookCategory } from '../model/model';
import { compareCodes } from '../ops/informants';
import { countWords, normalizeName } from '../text/text';
import { csvDocument } from '../text/csv';
import type { Project } from '../project/project';
import { segmentText, type AnalysisSegment } from './segments';
import { inParts, runSteps, STEP, type Steps } from '../text/steps';

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

export interface MatrixOptions {
  rows?: MatrixRows;
  cols?: string;
  count?: MatrixCount;
}

export function buildMatrix(project: Project, segments: readonly AnalysisSegment[], options: MatrixOptions = {}): Matrix {
  return runSteps(buildMatrixSteps(project, segments, options));
}

/** buildMatrix, pausing every STEP segments, and between rows (core/text/steps.ts). */
export function* buildMatrixSteps(project: Project, segments: readonly AnalysisSegment[], options: MatrixOptions = {}): Steps<Matrix> {
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
  yield* inParts(segments.length, (from, to) => {
    for (let i = from; i < to; i++) if (segments[i].informant !== null) columnSet.add(columnOf(segments[i].informant!));
  });
  const columns = [...columnSet].sort((a, b) => (a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : attribute ? a.localeCompare(b) : compareCodes(a, b)));

  // Segments by code, with their column.
  const byCode = new Map<string, Array<{ s: AnalysisSegment; column: string }>>();
  yield* inParts(segments.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const s = segments[i];
      if (s.informant === null) continue;
      const key = normalizeName(s.code);
      let list = byCode.get(key);
      if (!list) byCode.set(key, (list = []));
      list.push({ s, column: columnOf(s.informant) });
    }
  });
  const words = new Map<AnalysisSegment, number>();
  const wordsOf = (s: AnalysisSegment): number => {
    let n = words.get(s);
    if (n === undefined) words.set(s, (n = countWords(segmentText(project, s))));
    return n;
  };

  // Segments counted since the last pause: the walk pauses between rows once STEP were counted.
  let counted = 0;
  const row = (name: string, kind: MatrixRow['kind'], depth: number, codes: readonly string[]): MatrixRow => {
    const cells: Record<string, number> = Object.fromEntries(columns.map((c) => [c, 0]));
    const informantsPer = new Map<string, Set<string>>();
    const allInformants = new Set<string>();
    let total = 0;
    for (const code of codes) {
      const list = byCode.get(normalizeName(code)) ?? [];
      counted += list.length;
      for (const { s, column } of list) {
        if (count === 'codings') {
          cells[column]++;
          total++;
        } else if (count === 'words') {
          const n = wordsOf(s);
          cells[column] += n;
          total += n;
        } else {
          let set = informantsPer.get(column);
          if (!set) informantsPer.set(column, (set = new Set()));
          set.add(s.informant!);
          allInformants.add(s.informant!);
        }
      }
    }
    if (count === 'informants') {
      for (const [column, set] of informantsPer) cells[column] = set.size;
      total = allInformants.size;
    }
    return { name, kind, depth, cells, total };
  };

  // Walk the codebook: themes (level-2 headings), their groups, the codes directly under each.
  const categories = project.codebook.categories;
  const topLevel = Math.min(...categories.map((c) => c.level), Infinity);
  const rows: MatrixRow[] = [];
  const pause = (): boolean => {
    if (counted < STEP) return false;
    counted = 0;
    return true;
  };
  const codesUnder = (c: CodebookCategory): string[] => project.codesInCategory(c).map((x) => x.name);
  for (const category of categories) {
    const isTheme = category.level === topLevel;
    if (!isTheme && rowsKind === 'themes') continue;
    const depth = category.level - topLevel;
    rows.push(row(category.name, isTheme ? 'theme' : 'group', depth, codesUnder(category)));
    if (pause()) yield;
    if (rowsKind !== 'codes') continue;
    // Codes that sit directly in this category, not in one of its sub-categories.
    const sub = categories.filter((c) => c !== category && c.range.start >= category.range.start && c.range.end <= category.range.end);
    for (const code of project.codesInCategory(category)) {
      if (sub.some((c) => code.range.start >= c.range.start && code.range.end <= c.range.end)) continue;
      rows.push(row(code.name, 'code', depth + 1 + (code.parentCode ? 1 : 0), [code.name]));
      if (pause()) yield;
    }
  }
  if (rowsKind === 'codes') {
    // Codes outside any category (a codebook without headings).
    for (const code of project.codebook.codes) {
      if (code.categoryPath.length) continue;
      rows.push(row(code.name, 'code', 0, [code.name]));
      if (pause()) yield;
    }
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
