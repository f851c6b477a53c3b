// The entries of the coding index (codingIndex.ts): one CodingInfo per coding of a codings
// file, with where it is now, and the small operations the index patches its lists with.
import type { Coding } from '../model/model';
import type { AnchorStatus } from '../anchoring';
import { normalizeName } from '../text/text';

export interface CodingInfo {
  coding: Coding;
  /** Path of the codings file it lives in. */
  file: string;
  /** Informant labels of the turns it overlaps (interviewers excluded). */
  informants: string[];
  /** false when the transcript's text at start..end is not `exact` (or the file is gone). */
  anchored: boolean;
  /** How the coding was placed after its transcript changed outside the editor. */
  status?: AnchorStatus;
  score?: number;
}

export interface CodeCounts {
  codings: number;
  informants: string[];
  coders: string[];
  documents: number;
}

/** Sorts a doc's infos by position, unless they already are (a shift keeps their order). */
export function sortByPosition(infos: CodingInfo[] | undefined): void {
  if (!infos) return;
  for (let i = 1; i < infos.length; i++) {
    const a = infos[i - 1].coding;
    const b = infos[i].coding;
    if (a.start > b.start || (a.start === b.start && a.end > b.end)) {
      infos.sort((x, y) => x.coding.start - y.coding.start || x.coding.end - y.coding.end);
      return;
    }
  }
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Removes the members of `gone` from `list` in place, in one pass. */
export function removeAll<T>(list: T[] | undefined, gone: ReadonlySet<T>): void {
  if (!list) return;
  let j = 0;
  for (const x of list) if (!gone.has(x)) list[j++] = x;
  list.length = j;
}

/** What an index entry adds to countsOfCode (code normalised). */
export interface Counted {
  code: string;
  doc: string;
  coder: string;
  informants: readonly string[];
}

export function countedAs(info: CodingInfo): Counted {
  return { code: normalizeName(info.coding.code), doc: info.coding.doc, coder: info.coding.coder, informants: info.informants };
}

/** Whether two index entries of one coding count the same in countsOfCode. */
export function sameCounted(a: Counted, b: Counted): boolean {
  return a.code === b.code && a.doc === b.doc && a.coder === b.coder && sameList(a.informants, b.informants);
}
