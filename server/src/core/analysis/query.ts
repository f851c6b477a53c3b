// Coding queries: `"Tid og kø" AND NOT Ledelse`, `(A OR B) AND C`. A name is a code (with its
// child codes) or a theme or group (every code in it); names with spaces, parentheses or an
// operator word in them are written in double quotes.
//
// An expression stands for a set of codings:
//   NAME           the codings of the code(s) the name stands for
//   X OR Y         the codings of either
//   X AND Y        the codings of X near a coding of Y, and those of Y near a coding of X
//   X AND NOT Y    the codings of X near no coding of Y
//   NOT Y          every coding near no coding of Y
// "near" is the query's scope: overlapping text (default), in the same speaker turn, or within
// N turns of each other, always in the same transcript.
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import type { Project } from '../project/project';
import type { AnalysisSegment } from './segments';
import { inParts, runSteps, type Steps } from '../text/steps';

export type QueryNode =
  | { kind: 'name'; name: string; at: number }
  | { kind: 'or' | 'and' | 'andNot'; left: QueryNode; right: QueryNode }
  | { kind: 'not'; operand: QueryNode };

/** overlap: the texts overlap; turns: within N speaker turns (0 = the same turn). */
export type QueryScope = { kind: 'overlap' } | { kind: 'turns'; distance: number };

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character position in the query text. */
    readonly at: number,
  ) {
    super(l10n.t('{0} (at character {1})', message, at + 1));
  }
}

type Token = { kind: 'name' | 'op' | '(' | ')'; text: string; at: number };
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, text: ch, at: i++ });
    } else if (ch === '"') {
      // "…": a quote mark inside is written twice ("Sier ""nei""", as in a spreadsheet) or
      // after a backslash, so that any name can be typed: "I felt alone" (with its quote
      // marks) is """I felt alone""".
      let name = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new QuerySyntaxError(l10n.t('a quoted name is not closed with {0}', '"'), i);
        const c = text[j];
        if ((c === '\\' || c === '"') && text[j + 1] === '"') {
          name += '"';
          j += 2;
        } else if (c === '"') break;
        else {
          name += c;
          j++;
        }
      }
      if (!name.trim()) throw new QuerySyntaxError(l10n.t('an empty name'), i);
      tokens.push({ kind: 'name', text: name, at: i });
      i = j + 1;
    } else if (ch === '“' || ch === '«') {
      const close = ch === '“' ? '”' : '»';
      const end = text.indexOf(close, i + 1);
      if (end === -1) throw new QuerySyntaxError(l10n.t('a quoted name is not closed with {0}', close), i);
      // «…» is also how in-vivo codes are named: keep the guillemets as part of the name.
      const name = ch === '«' ? text.slice(i, end + 1) : text.slice(i + 1, end);
      if (!name.trim()) throw new QuerySyntaxError(l10n.t('an empty name'), i);
      tokens.push({ kind: 'name', text: name, at: i });
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s()"“«]/.test(text[i])) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: OPERATORS.has(word.toUpperCase()) && word === word.toUpperCase() ? 'op' : 'name', text: word, at: start });
    }
  }
  return tokens;
}

/** Parses a query; OR binds loosest, then AND, then NOT. Unquoted names may be several words. */
export function parseQuery(text: string): QueryNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (word: string): boolean => peek()?.kind === 'op' && peek()!.text === word;
  const fail = (message: string): never => {
    throw new QuerySyntaxError(message, peek()?.at ?? text.length);
  };

  function primary(): QueryNode {
    const t = peek();
    if (!t) return fail(l10n.t('a code or theme name is missing at the end'));
    if (t.kind === '(') {
      pos++;
      const inner = or();
      if (peek()?.kind !== ')') fail(l10n.t('a ")" is missing'));
      pos++;
      return inner;
    }
    if (t.kind !== 'name') return fail(l10n.t('expected a code or theme name, not "{0}"', t.text));
    // Unquoted consecutive words form one name: Tid og kø AND Ledelse.
    const words: string[] = [];
    const at = t.at;
    while (peek()?.kind === 'name') words.push(tokens[pos++].text);
    return { kind: 'name', name: words.join(' '), at };
  }
  function unary(): QueryNode {
    if (isOp('NOT')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  }
  function and(): QueryNode {
    let left = unary();
    while (isOp('AND')) {
      pos++;
      if (isOp('NOT')) {
        pos++;
        left = { kind: 'andNot', left, right: unary() };
      } else left = { kind: 'and', left, right: unary() };
    }
    return left;
  }
  function or(): QueryNode {
    let left = and();
    while (isOp('OR')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  if (!tokens.length) fail(l10n.t('the query is empty'));
  const tree = or();
  if (pos < tokens.length) fail(l10n.t('unexpected "{0}"', peek()!.text));
  return tree;
}

export class QueryNameError extends Error {}

/** The codes a name stands for: a code and its child codes, or every code of a theme or group. */
export function codesOfName(project: Project, name: string, withChildren = true): string[] {
  const code = project.findCode(name);
  if (code) {
    const out = [code.name];
    if (withChildren) {
      for (let i = 0; i < out.length; i++) for (const child of project.findCode(out[i])?.children ?? []) out.push(child);
    }
    return out;
  }
  const category = project.findCategory(name);
  if (category) return project.codesInCategory(category).map((c) => c.name);
  // "Tid og kø and not Ledelse" is read as one name: operators are words in capitals.
  if (/ (and|or|not) /.test(` ${name} `)) {
    throw new QueryNameError(l10n.t("'{0}' is not a code, theme or group in {1}. Operators are written in capitals: AND, OR, NOT.", name, project.codebook.path));
  }
  throw new QueryNameError(l10n.t("'{0}' is not a code, theme or group in {1}", name, project.codebook.path));
}

/** The segments the query selects, in the order of `segments`. */
export function evaluateQuery(project: Project, query: QueryNode, segments: readonly AnalysisSegment[], scope: QueryScope = { kind: 'overlap' }, withChildren = true): AnalysisSegment[] {
  return runSteps(evaluateQuerySteps(project, query, segments, scope, withChildren));
}

/** evaluateQuery, pausing every STEP segments while it groups them by code and picks the selected ones (core/text/steps.ts). */
export function* evaluateQuerySteps(project: Project, query: QueryNode, segments: readonly AnalysisSegment[], scope: QueryScope = { kind: 'overlap' }, withChildren = true): Steps<AnalysisSegment[]> {
  const byCode = new Map<string, AnalysisSegment[]>();
  yield* inParts(segments.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const s = segments[i];
      const key = normalizeName(s.code);
      let list = byCode.get(key);
      if (!list) byCode.set(key, (list = []));
      list.push(s);
    }
  });
  // The expression's sets: one piece between pauses (a few milliseconds on the bench corpus).
  const evaluate = (node: QueryNode): Set<AnalysisSegment> => {
    switch (node.kind) {
      case 'name': {
        const out = new Set<AnalysisSegment>();
        for (const code of codesOfName(project, node.name, withChildren)) for (const s of byCode.get(normalizeName(code)) ?? []) out.add(s);
        return out;
      }
      case 'or': {
        const out = evaluate(node.left);
        for (const s of evaluate(node.right)) out.add(s);
        return out;
      }
      case 'and': {
        const left = evaluate(node.left);
        const right = evaluate(node.right);
        const nearRight = nearness(right, scope);
        const nearLeft = nearness(left, scope);
        const out = new Set<AnalysisSegment>();
        for (const s of left) if (nearRight(s)) out.add(s);
        for (const s of right) if (nearLeft(s)) out.add(s);
        return out;
      }
      case 'andNot': {
        const nearRight = nearness(evaluate(node.right), scope);
        return new Set([...evaluate(node.left)].filter((s) => !nearRight(s)));
      }
      case 'not': {
        const nearOperand = nearness(evaluate(node.operand), scope);
        return new Set(segments.filter((s) => !nearOperand(s)));
      }
    }
  };
  const selected = evaluate(query);
  const out: AnalysisSegment[] = [];
  yield* inParts(segments.length, (from, to) => {
    for (let i = from; i < to; i++) if (selected.has(segments[i])) out.push(segments[i]);
  });
  return out;
}

/**
 * A test "is this segment near one of these?", answered by binary search: per document the
 * intervals sorted by start with a running maximum of their ends, so one lookup is O(log n).
 */
function nearness(set: Iterable<AnalysisSegment>, scope: QueryScope): (s: AnalysisSegment) => boolean {
  const interval = (s: AnalysisSegment): [number, number] | undefined => {
    if (scope.kind === 'overlap') return [s.start, s.end];
    return s.firstTurn < 0 ? undefined : [s.firstTurn - scope.distance, s.lastTurn + scope.distance + 1];
  };
  const byDoc = new Map<string, Array<[number, number]>>();
  for (const s of set) {
    const iv = interval(s);
    if (!iv) continue;
    let list = byDoc.get(s.doc);
    if (!list) byDoc.set(s.doc, (list = []));
    list.push(iv);
  }
  const index = new Map<string, { starts: number[]; maxEnd: number[] }>();
  for (const [doc, list] of byDoc) {
    list.sort((a, b) => a[0] - b[0]);
    const maxEnd: number[] = [];
    let m = -Infinity;
    for (const [, e] of list) maxEnd.push((m = Math.max(m, e)));
    index.set(doc, { starts: list.map(([s]) => s), maxEnd });
  }
  return (s) => {
    const ix = index.get(s.doc);
    const iv = scope.kind === 'overlap' ? [s.start, s.end] : s.firstTurn < 0 ? undefined : [s.firstTurn, s.lastTurn + 1];
    if (!ix || !iv) return false;
    // Last interval starting before iv ends; any of them ending after iv starts overlaps it.
    let lo = 0;
    let hi = ix.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ix.starts[mid] < iv[1]) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && ix.maxEnd[lo - 1] > iv[0];
  };
}
