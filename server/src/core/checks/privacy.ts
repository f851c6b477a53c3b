// Privacy check: real names from the identifiers file (.qda/identifiers.yaml, "Kari Nordmann: R4")
// that appear in transcripts, memos, chapters or the codebook. Each occurrence is a warning
// (qda.realName) with quick fixes that replace it by the name's code.
//
// What counts as an occurrence (documented in the README under "Privacy check"):
// - The full name, case-insensitive ("Kari Nordmann", "KARI NORDMANN", "kari nordmann"), its
//   words separated by any whitespace (also a line break).
// - Each word of a multi-word name on its own ("Kari", "Nordmann"), and a one-word name, but
//   only when written with a capital first letter ("Nordmann", "NORDMANN"): many Norwegian
//   names are also common words (Per, Berg, Lie, Strand, Dal, Vik), and "per dag" or "ved
//   stranda" must not be flagged. Particles (von, de, av, …), one-letter words, and words that
//   are themselves informant codes or speaker labels (R4, Intervjuer) are never matched alone.
// - Whole words only: letters and digits (Unicode, so æ, ø, å, é count as letters) may not
//   touch the name on either side; "Karin" does not match "Kari".
// - Possessive forms: "Karis", "Kari's", "Kari’s", and "Hans'" for names ending in s. The
//   diagnostic covers the name without the ending, so the fix gives "R4s" / "R4's".
// The messages never repeat the real name: `qda check` output may end up in a CI log.
import * as l10n from '../text/l10n';
import { parseIdentifiers } from '../parse/identifiers';
import { GROUP_LABELS } from '../parse/turnGrammar';
import type { QdaDiagnostic } from '../model/model';
import type { FileEdit } from '../model/edits';

export const REAL_NAME_CODE = 'qda.realName';

/** Words never matched on their own, even when part of a name. */
const PARTICLES = new Set(['av', 'af', 'von', 'van', 'de', 'der', 'den', 'del', 'da', 'di', 'du', 'la', 'le', 'dos', 'das', 'bin', 'ibn', 'al', 'el', 'og', 'and']);

export interface NameMatch {
  /** The name itself, without a possessive ending. */
  start: number;
  end: number;
  /** The codes this name stands for (more than one when a word belongs to several names). */
  codes: string[];
  /** A full (multi-word) name, or one word of a name / a one-word name. */
  kind: 'full' | 'word';
}

const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}\\p{M}_])';
// The possessive ending is not part of the match's name range (group 1 is the name).
const POSSESSIVE_AND_BOUNDARY = "(?:s|['’]s?)?(?![\\p{L}\\p{N}\\p{M}_])";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function key(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('nb').replace(/\s+/g, ' ').trim();
}

/** Finds the real names of an identifiers mapping in texts. */
export class NameMatcher {
  private readonly full: RegExp | undefined;
  private readonly words: RegExp | undefined;
  private readonly codesOfFull = new Map<string, string[]>();
  private readonly codesOfWord = new Map<string, string[]>();

  /**
   * @param identifiers real name → code
   * @param labels informant codes and speaker labels that are never treated as names
   */
  constructor(identifiers: Record<string, string>, labels: readonly string[] = []) {
    // Labels, and each word of a multi-word label ("Informant" of "Informant B").
    const ignore = new Set([...labels, ...GROUP_LABELS, ...Object.values(identifiers)].flatMap((l) => [key(l), ...key(l).split(' ')]));
    const add = (map: Map<string, string[]>, k: string, code: string): void => {
      const list = map.get(k);
      if (!list) map.set(k, [code]);
      else if (!list.includes(code)) list.push(code);
    };
    for (const [rawName, rawCode] of Object.entries(identifiers)) {
      const name = rawName.normalize('NFC').trim();
      const code = rawCode.trim();
      if (!name || !code || key(name) === key(code)) continue;
      // An informant code mapped to another code (an earlier import of "Informant A" as
      // "Informant B") is not a real name: flagging the code everywhere helps no one.
      if (ignore.has(key(name))) continue;
      const parts = name.split(/\s+/);
      if (parts.length > 1) add(this.codesOfFull, key(name), code);
      for (const part of parts) {
        const k = key(part);
        if ([...k].length < 2 || PARTICLES.has(k) || ignore.has(k) || !/\p{L}/u.test(k)) continue;
        add(this.codesOfWord, k, code);
      }
    }
    const alternation = (keys: Iterable<string>, multiWord: boolean): string =>
      [...keys]
        .sort((a, b) => b.length - a.length)
        .map((k) => (multiWord ? k.split(' ').map(escapeRegExp).join('\\s+') : escapeRegExp(k)))
        .join('|');
    if (this.codesOfFull.size > 0) this.full = new RegExp(`${BOUNDARY_BEFORE}(${alternation(this.codesOfFull.keys(), true)})${POSSESSIVE_AND_BOUNDARY}`, 'giu');
    if (this.codesOfWord.size > 0) this.words = new RegExp(`${BOUNDARY_BEFORE}(${alternation(this.codesOfWord.keys(), false)})${POSSESSIVE_AND_BOUNDARY}`, 'giu');
  }

  get empty(): boolean {
    return !this.full && !this.words;
  }

  /** Every occurrence in the text, in order; a word inside a full-name match is not repeated. */
  find(text: string): NameMatch[] {
    const out: NameMatch[] = [];
    if (this.empty) return out;
    if (this.full) {
      this.full.lastIndex = 0;
      for (let m = this.full.exec(text); m; m = this.full.exec(text)) {
        const codes = this.codesOfFull.get(key(m[1]!));
        if (codes) out.push({ start: m.index, end: m.index + m[1]!.length, codes: [...codes], kind: 'full' });
      }
    }
    if (this.words) {
      const covered = out.slice();
      this.words.lastIndex = 0;
      for (let m = this.words.exec(text); m; m = this.words.exec(text)) {
        const word = m[1]!;
        // A name on its own must be written as a name: a capital first letter.
        const first = String.fromCodePoint(word.codePointAt(0)!);
        if (first === first.toLocaleLowerCase('nb')) continue;
        const start = m.index;
        const end = start + word.length;
        if (covered.some((f) => f.start < end && start < f.end)) continue;
        const codes = this.codesOfWord.get(key(word));
        if (codes) out.push({ start, end, codes: [...codes], kind: 'word' });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }
}

/** The qda.realName diagnostics of one file. */
export function realNameDiagnostics(path: string, text: string, matcher: NameMatcher): QdaDiagnostic[] {
  return matcher.find(text).map((m) => {
    const codes = m.codes.join(` ${l10n.t('or')} `);
    return {
      path,
      range: { start: m.start, end: m.end },
      severity: 'warning',
      code: REAL_NAME_CODE,
      message:
        m.kind === 'full'
          ? l10n.t('A real name from the identifiers file appears here; anonymise it with its code {0}. Real names belong only in the identifiers file, which is never committed.', codes)
          : l10n.t('A name from the identifiers file appears here; anonymise it with its code {0}. Real names belong only in the identifiers file, which is never committed.', codes),
      data: { codes: m.codes },
    } satisfies QdaDiagnostic;
  });
}

/**
 * The project's privacy check, cached per file: the index asks for every file's diagnostics
 * after each change, and re-scanning 40 MB of transcripts on every keystroke would be too slow.
 */
export class PrivacyChecker {
  private matcher = new NameMatcher({});
  private signature = '';
  private readonly cache = new Map<string, { text: string; diagnostics: QdaDiagnostic[] }>();
  /** The identifiers file's mapping (real name → code). */
  identifiers: Record<string, string> = {};
  /** Set when the identifiers file does not parse (then nothing is checked). */
  error: { message: string; line?: number } | undefined;

  /** Sets the identifiers file's text and the labels never treated as names; cheap when unchanged. */
  configure(path: string, text: string | undefined, labels: readonly string[]): void {
    const signature = JSON.stringify([path, text ?? null, [...labels].sort()]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.cache.clear();
    this.error = undefined;
    try {
      this.identifiers = parseIdentifiers(path, text);
    } catch (err) {
      this.identifiers = {};
      const e = err as Error & { line?: number };
      this.error = { message: e.message, line: e.line };
    }
    this.matcher = new NameMatcher(this.identifiers, labels);
  }

  check(path: string, text: string): QdaDiagnostic[] {
    if (this.matcher.empty) return [];
    const hit = this.cache.get(path);
    if (hit && hit.text === text) {
      // Equal text, perhaps another string object: hold the current one, so that the next
      // check is a pointer comparison instead of one character by character.
      hit.text = text;
      return hit.diagnostics;
    }
    const diagnostics = realNameDiagnostics(path, text, this.matcher);
    this.cache.set(path, { text, diagnostics });
    return diagnostics;
  }

  forget(path: string): void {
    this.cache.delete(path);
  }
}

/**
 * Edits that replace real names by their code. `diagnostics` are qda.realName diagnostics (of
 * one file or of the whole project); only those that stand for exactly `code` are replaced, so
 * a word shared by two informants' names is left for the analyst to decide.
 */
export function replaceRealNameEdits(diagnostics: Iterable<QdaDiagnostic>, code: string): FileEdit[] {
  const byPath = new Map<string, FileEdit>();
  for (const d of diagnostics) {
    if (d.code !== REAL_NAME_CODE) continue;
    const codes = (d.data?.codes ?? []) as string[];
    if (codes.length !== 1 || codes[0] !== code) continue;
    let fe = byPath.get(d.path);
    if (!fe) byPath.set(d.path, (fe = { path: d.path, edits: [] }));
    fe.edits.push({ start: d.range.start, end: d.range.end, newText: code });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
