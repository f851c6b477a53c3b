// The codings store format: .qda/codings/<coder>/<transcript>.jsonl (or, in projects from
// before, .qda/codings/<coder>.jsonl), one JSON object per line, sorted by doc, start, code, id
// so that two coders' files and git merges stay clean. A line that does
// not parse is reported with its number and kept byte for byte: a file with such a line (or
// with git conflict markers) is never rewritten until the analyst fixes it.
import * as l10n from '../text/l10n';
import type { Coding, QdaDiagnostic } from '../model/model';
import type { OffsetEdit } from '../model/edits';
import { intern } from '../text/text';
import { CONFLICT_MARKER, forEachJsonLine } from '../text/jsonLines';

const KNOWN_KEYS = ['id', 'doc', 'start', 'end', 'code', 'exact', 'prefix', 'suffix', 'coder', 'at'] as const;

export interface CodingLine {
  coding: Coding;
  /** 0-based line number in the file. */
  line: number;
  /** Offsets of the line in the file text (without its newline). */
  start: number;
  end: number;
}

export interface CodingsFile {
  path: string;
  coder: string;
  lines: CodingLine[];
  diagnostics: QdaDiagnostic[];
  /** Why the file must not be rewritten, if it must not (malformed line, conflict markers). */
  writeBlocked?: string;
  /** Each parsed line's text and coding, so the next parse of this file reuses unchanged lines. */
  parsed?: Map<string, Coding>;
}


/**
 * `last` is the last parse of the same file: its unchanged lines keep their Coding objects
 * (not parsed again; the index recognises them), so one added coding costs one JSON.parse.
 */
export function parseCodingsFile(path: string, coder: string, text: string, last?: CodingsFile): CodingsFile {
  const reuse = last?.coder === coder ? last.parsed : undefined;
  const parsed = new Map<string, Coding>();
  const lines: CodingLine[] = [];
  const diagnostics: QdaDiagnostic[] = [];
  let writeBlocked: string | undefined;
  const seen = new Map<string, string>();
  forEachJsonLine(text, (raw, lineNo, pos, end) => {
    const range = { start: pos, end };
    if (CONFLICT_MARKER.test(raw)) {
      if (!writeBlocked) writeBlocked = l10n.t('{0} has git conflict markers (line {1}); resolve the merge first', path, lineNo + 1);
      diagnostics.push({ path, range, severity: 'error', code: 'qda.codingsConflict', message: l10n.t("Git conflict marker on line {0}: resolve the merge (keep both sides' lines; each line is one coding). The file is not rewritten until then.", lineNo + 1) });
    } else {
      const result = reuse?.get(raw) ?? parseCodingLine(raw, coder);
      if (typeof result !== 'string') parsed.set(raw, result);
      if (typeof result === 'string') {
        if (!writeBlocked) writeBlocked = l10n.t('{0} line {1} is not a valid coding; fix or delete it first', path, lineNo + 1);
        diagnostics.push({ path, range, severity: 'error', code: 'qda.codingsMalformed', message: l10n.t('Line {0} is not a valid coding: {1}. It is kept as it is, and the file is not rewritten until it is fixed.', lineNo + 1, result) });
      } else {
        const previous = seen.get(result.id);
        if (previous === raw) {
          // An identical duplicate, as a union merge of two branches that both kept the line
          // produces: harmless, counted once.
        } else {
          if (previous !== undefined) {
            diagnostics.push({ path, range, severity: 'warning', code: 'qda.codingsDuplicateId', message: l10n.t('Coding id {0} appears twice with different content (line {1}); both are kept.', result.id, lineNo + 1) });
          }
          seen.set(result.id, raw);
          lines.push({ coding: result, line: lineNo, start: pos, end });
        }
      }
    }
  });
  return { path, coder, lines, diagnostics, writeBlocked, parsed };
}

/** A Coding, or a message saying what is wrong with the line. */
export function parseCodingLine(raw: string, defaultCoder: string): Coding | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return l10n.t('invalid JSON ({0})', (err as Error).message);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return l10n.t('expected a JSON object');
  const o = value as Record<string, unknown>;
  for (const key of ['id', 'doc', 'code'] as const) {
    if (typeof o[key] !== 'string' || o[key] === '') return l10n.t('"{0}" must be a non-empty string', key);
  }
  for (const key of ['start', 'end'] as const) {
    if (typeof o[key] !== 'number' || !Number.isInteger(o[key]) || (o[key] as number) < 0) return l10n.t('"{0}" must be a non-negative integer', key);
  }
  if ((o.end as number) < (o.start as number)) return l10n.t('"end" is before "start"');
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!(KNOWN_KEYS as readonly string[]).includes(k)) extra[k] = v;
  const coding: Coding = {
    id: o.id as string,
    doc: intern(o.doc as string),
    start: o.start as number,
    end: o.end as number,
    code: intern(o.code as string),
    exact: typeof o.exact === 'string' ? o.exact : '',
    prefix: typeof o.prefix === 'string' ? o.prefix : '',
    suffix: typeof o.suffix === 'string' ? o.suffix : '',
    coder: typeof o.coder === 'string' ? intern(o.coder) : defaultCoder,
    at: typeof o.at === 'string' ? o.at : '',
  };
  if (Object.keys(extra).length > 0) coding.extra = extra;
  return coding;
}

export function serializeCoding(c: Coding): string {
  const o: Record<string, unknown> = {
    id: c.id, doc: c.doc, start: c.start, end: c.end, code: c.code,
    exact: c.exact, prefix: c.prefix, suffix: c.suffix, coder: c.coder, at: c.at,
  };
  if (c.extra) for (const [k, v] of Object.entries(c.extra)) if (!(k in o)) o[k] = v;
  return JSON.stringify(o);
}

export function compareCodings(a: Coding, b: Coding): number {
  if (a.doc !== b.doc) return a.doc < b.doc ? -1 : 1;
  if (a.start !== b.start) return a.start - b.start;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function serializeCodings(codings: readonly Coding[]): string {
  return [...codings].sort(compareCodings).map((c) => serializeCoding(c) + '\n').join('');
}

/** A text edit in offsets of the file it applies to. */
// Defined in the model (core/model/edits.ts); exported here too for the modules that import it from here.
export type { OffsetEdit };

/** Inserts one coding at its sorted place: a one-line edit keeps undo and git diffs small. */
export function insertCodingEdit(file: CodingsFile, text: string, coding: Coding): OffsetEdit {
  const before = file.lines.find((l) => compareCodings(l.coding, coding) > 0);
  const line = serializeCoding(coding) + '\n';
  if (before) return { start: before.start, end: before.start, newText: line };
  if (text.length === 0 || text.endsWith('\n')) return { start: text.length, end: text.length, newText: line };
  return { start: text.length, end: text.length, newText: '\n' + line };
}

/** Removes the lines of the given codings (by id), each with its newline. */
export function removeCodingEdits(file: CodingsFile, text: string, ids: ReadonlySet<string>): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  for (const l of file.lines) {
    if (!ids.has(l.coding.id)) continue;
    const nl = text.indexOf('\n', l.end);
    edits.push({ start: l.start, end: nl === -1 ? text.length : nl + 1, newText: '' });
  }
  return edits;
}

/** Rewrites the given codings' lines in place (e.g. after a rename or new offsets). */
export function replaceCodingEdits(file: CodingsFile, replace: (c: Coding) => Coding | undefined): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  for (const l of file.lines) {
    const next = replace(l.coding);
    if (next) edits.push({ start: l.start, end: l.end, newText: serializeCoding(next) });
  }
  return edits;
}

export function newCodingId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}

/**
 * Applies an editor change that inserts and/or removes whole lines (what a coding operation's
 * edit is) to a parsed codings file without parsing the rest of it again: the lines after the
 * change only move. Undefined when the change is anything else, or the file or the new lines
 * need the full rules (malformed lines, conflict markers, duplicate ids): parse it then.
 */
export interface CodingsPatch {
  file: CodingsFile;
  removed: Coding[];
  added: Coding[];
}

export function patchCodingsFile(file: CodingsFile, textBefore: string, change: { start: number; end: number; text: string }): CodingsPatch | undefined {
  if (file.diagnostics.length > 0 || file.writeBlocked) return undefined;
  const atLineStart = (text: string, i: number): boolean => i === 0 || text.charCodeAt(i - 1) === 10;
  const removedText = textBefore.slice(change.start, change.end);
  if (!atLineStart(textBefore, change.start)) return undefined;
  if (removedText !== '' && !(removedText.endsWith('\n') || change.end === textBefore.length)) return undefined;
  if (change.text !== '' && !change.text.endsWith('\n')) return undefined;
  if (change.end < textBefore.length && !atLineStart(textBefore, change.end)) return undefined;
  if (change.text.includes('\r') || removedText.includes('\r')) return undefined;

  const delta = change.text.length - removedText.length;
  const removed: Coding[] = [];
  const kept: CodingLine[] = [];
  let firstAfter = -1;
  for (const l of file.lines) {
    if (l.start >= change.start && l.start < change.end) removed.push(l.coding);
    else kept.push(l);
  }
  const inserted: CodingLine[] = [];
  const removedLineCount = countNewlines(removedText, 0, removedText.length) + (removedText !== '' && !removedText.endsWith('\n') ? 1 : 0);
  // The line number at change.start, from the nearest parsed line (no split of the whole file).
  const next = kept.find((l) => l.start >= change.start);
  const last = kept[kept.length - 1];
  const startLine = next
    ? next.line - removedLineCount - countNewlines(textBefore, change.end, next.start)
    : last
      ? last.line + countNewlines(textBefore, last.end, change.start)
      : countNewlines(textBefore, 0, change.start);
  const ids = new Set<string>();
  if (countNewlines(change.text, 0, change.text.length) > 50) return undefined;
  let pos = 0;
  let lineNo = startLine;
  while (pos < change.text.length) {
    const eol = change.text.indexOf('\n', pos);
    const raw = change.text.slice(pos, eol);
    if (raw.trim() === '' || CONFLICT_MARKER.test(raw)) return undefined;
    const coding = parseCodingLine(raw, file.coder);
    // A new id may not repeat an existing one (the full parse has the rules for duplicates);
    // the linear check is fine for the few lines a coding operation inserts.
    if (typeof coding === 'string' || ids.has(coding.id) || kept.some((l) => l.coding.id === coding.id)) return undefined;
    ids.add(coding.id);
    inserted.push({ coding, line: lineNo, start: change.start + pos, end: change.start + eol });
    pos = eol + 1;
    lineNo++;
  }
  const lineDelta = inserted.length - removedLineCount;
  const lines: CodingLine[] = [];
  for (const l of kept) {
    if (l.start < change.start) lines.push(l);
    else {
      if (firstAfter === -1) firstAfter = lines.length;
      lines.push({ coding: l.coding, line: l.line + lineDelta, start: l.start + delta, end: l.end + delta });
    }
  }
  lines.splice(firstAfter === -1 ? lines.length : firstAfter, 0, ...inserted);
  return {
    file: { path: file.path, coder: file.coder, lines, diagnostics: [], writeBlocked: undefined, parsed: file.parsed },
    removed,
    added: inserted.map((l) => l.coding),
  };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The 0-based line/character of an offset in a codings file, from its parsed lines: edits of
 * coding operations sit at line starts and ends, and this spares a line index of the whole
 * (8.5 MB in the benchmark) file on every coding. Undefined where the parsed lines do not tell
 * (between lines, in a blank or malformed line): use a line index there.
 */
export function codingsFilePosition(file: CodingsFile, text: string, offset: number): { line: number; character: number } | undefined {
  const lines = file.lines;
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = lines[mid];
    if (offset < l.start) hi = mid - 1;
    else if (offset > l.end) lo = mid + 1;
    else return { line: l.line, character: offset - l.start };
  }
  // After the last line (appending at the end of the file): count what follows it.
  const last = lines[lines.length - 1];
  if (last && offset > last.end && offset <= text.length && offset - last.end < 4096) {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return { line: last.line + countNewlines(text, last.end, offset), character: offset - Math.max(lineStart, last.start) };
  }
  return undefined;
}
