// Writing queries, the other half of query.ts (which reads them): how a name is quoted in the
// query language, and how the Coded Segments view's builder adds "AND / OR / AND NOT <name>" to
// the query in its box. The builder writes text the student can read and edit further, so the
// query box stays the one truth, and what a click builds is exactly what typing it would run.
import { parseQuery } from './query';

export type QueryJoin = 'and' | 'or' | 'andNot';

/** Operator words and the characters that end an unquoted name. */
const NEEDS_QUOTES = /[\s()"“”«]|^(AND|OR|NOT)$/;

/**
 * A name as the query language reads it: bare when it is one plain word, else in double quotes
 * with a double quote inside written twice (`"Sier ""nei"""`, as in a spreadsheet). In-vivo
 * names in «…» are read with their guillemets, so they are written as they are.
 */
export function quoteQueryName(name: string): string {
  const trimmed = name.trim();
  if (/^«[^»]*»$/.test(trimmed)) return trimmed;
  if (!NEEDS_QUOTES.test(trimmed)) return trimmed;
  return `"${trimmed.replace(/"/g, '""')}"`;
}

/**
 * The query with one more term: `A` + (or, B) → `A OR B`. AND binds tighter than OR, so a query
 * whose top level is an OR is put in parentheses before AND is added — the builder means
 * "(what I have) AND B", as a student reading the box from left to right does. An empty query
 * becomes the name alone (or `NOT name`). A query that does not parse yet is appended to as it
 * is: the box shows the error where it is.
 */
export function appendQueryTerm(query: string, join: QueryJoin, name: string): string {
  const term = quoteQueryName(name);
  const current = query.trim();
  if (!current) return join === 'andNot' ? `NOT ${term}` : term;
  let topLevelOr = false;
  try {
    topLevelOr = parseQuery(current).kind === 'or';
  } catch {
    // appended as it is
  }
  const left = topLevelOr && join !== 'or' ? `(${current})` : current;
  return `${left} ${join === 'or' ? 'OR' : join === 'and' ? 'AND' : 'AND NOT'} ${term}`;
}
