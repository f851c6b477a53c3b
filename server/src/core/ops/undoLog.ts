// The undo/redo log of coding operations. The server writes the codings files itself, so
// VS Code's own undo never sees a coding; this log is what Ctrl+Z in the transcript editor
// undoes. Pure: it keeps, for every file an operation changed, the one replacement that
// turns the text before into the text after (common prefix and suffix left out), and undoes
// or redoes it only when the file still holds what the operation left there — a file
// changed since (by hand, a git pull, another operation) is never overwritten from here.
import type { OffsetEdit } from '../parse/codings';

/** At `start`, the text holds `expected` (up to start + expected.length); it becomes `text`. */
export interface Replacement {
  start: number;
  expected: string;
  text: string;
  /**
   * The whole text's length once replaced. With it, a file that does not have the length the
   * replacement starts from has changed since, also where `expected` or `text` is empty (a
   * name made longer or shorter), which the text at `start` alone cannot tell.
   */
  resultLength?: number;
}

export interface FileChange {
  path: string;
  replacement: Replacement;
  /** The file did not exist before the change (undoing it deletes the file again). */
  created?: boolean;
  /** The change deleted the file (undoing it creates it again). */
  removed?: boolean;
}

/** One file's undo or redo: offset edits, or the file created or deleted. */
export interface StepEdit {
  path: string;
  edits: OffsetEdit[];
  create?: boolean;
  remove?: boolean;
}

export interface LogEntry {
  readonly id: number;
  readonly changes: readonly FileChange[];
  /** Who may undo it (the server keeps the editor's URI and its version there). */
  origin?: string;
  version?: number | null;
}

/** The failure of an undo or redo: the file that no longer holds what the entry expects. */
export interface LogConflict {
  conflict: string;
}

/** The smallest single replacement that turns `before` into `after`. */
export function diffReplacement(before: string, after: string): Replacement {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // A surrogate pair is never split: the replacement's ends fall between characters.
  if (start > 0 && isHigh(before.charCodeAt(start - 1))) start--;
  if (tail > 0 && isLow(before.charCodeAt(before.length - tail))) tail--;
  return { start, expected: before.slice(start, before.length - tail), text: after.slice(start, after.length - tail), resultLength: after.length };
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The replacement that takes the change back. */
export function invert(r: Replacement): Replacement {
  return { start: r.start, expected: r.text, text: r.expected, ...(r.resultLength !== undefined ? { resultLength: sourceLength(r) } : {}) };
}

/** The whole text's length before the replacement (when its result's length is known). */
function sourceLength(r: Replacement): number | undefined {
  return r.resultLength === undefined ? undefined : r.resultLength - r.text.length + r.expected.length;
}

/**
 * Whether `text` already holds what the replacement makes. The replacement's two sides begin
 * with different characters (diffReplacement takes the longest common prefix), so the side that
 * is not empty tells: the result's text is there, or what it replaces is not.
 */
function holdsResult(text: string, r: Replacement): boolean {
  if (r.resultLength !== undefined && text.length !== r.resultLength) return false;
  if (r.text !== '') return text.slice(r.start, r.start + r.text.length) === r.text;
  return text.slice(r.start, r.start + r.expected.length) !== r.expected;
}

/** The replacement as an offset edit, when `text` holds what it expects; else undefined. */
export function editFor(text: string, r: Replacement): OffsetEdit | undefined {
  const length = sourceLength(r);
  if (length !== undefined && text.length !== length) return undefined;
  if (text.slice(r.start, r.start + r.expected.length) !== r.expected) return undefined;
  return { start: r.start, end: r.start + r.expected.length, newText: r.text };
}

/** One entry per operation; the newest last. At most `limit` are kept. */
export class UndoLog {
  private undoStack: LogEntry[] = [];
  private redoStack: LogEntry[] = [];
  private nextId = 1;

  constructor(private readonly limit = 100) {}

  /** Records an operation's changes (files it left unchanged are dropped); clears the redo side. */
  record(changes: readonly FileChange[], origin?: string, version?: number | null): LogEntry | undefined {
    const real = changes.filter((c) => c.replacement.expected !== c.replacement.text || c.created || c.removed);
    if (real.length === 0) return undefined;
    const entry: LogEntry = { id: this.nextId++, changes: real, origin, version };
    this.undoStack.push(entry);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
    return entry;
  }

  peekUndo(): LogEntry | undefined {
    return this.undoStack[this.undoStack.length - 1];
  }

  peekRedo(): LogEntry | undefined {
    return this.redoStack[this.redoStack.length - 1];
  }

  /**
   * The edits that undo the newest entry, per file, given the files' texts now; or the file
   * that changed since. Nothing moves until `undone` says the edits were made.
   */
  undoEdits(textOf: (path: string) => string | undefined, done: ReadonlySet<string> = new Set()): StepEdit[] | LogConflict | undefined {
    const entry = this.peekUndo();
    // A move undone: the new file is deleted, the old one created (the writer deletes last).
    return entry && editsOf(entry.changes.map((c) => ({ path: c.path, replacement: invert(c.replacement), created: c.removed, removed: c.created })), textOf, done);
  }

  redoEdits(textOf: (path: string) => string | undefined, done: ReadonlySet<string> = new Set()): StepEdit[] | LogConflict | undefined {
    const entry = this.peekRedo();
    return entry && editsOf(entry.changes, textOf, done);
  }

  /** The newest entry was undone: it goes to the redo side. */
  undone(origin?: string, version?: number | null): void {
    const entry = this.undoStack.pop();
    if (entry) this.redoStack.push({ ...entry, origin: origin ?? entry.origin, version: version === undefined ? entry.version : version });
  }

  /** The newest undone entry was redone: it goes back to the undo side. */
  redone(origin?: string, version?: number | null): void {
    const entry = this.redoStack.pop();
    if (entry) this.undoStack.push({ ...entry, origin: origin ?? entry.origin, version: version === undefined ? entry.version : version });
  }

  /** Forgets everything: after a conflict the older entries cannot apply either. */
  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }
}

/**
 * `done`: files someone else already took to where this step takes them (VS Code's Edit › Undo
 * in a user file of a two-part operation): one that holds the step's result is left as it is,
 * not counted as changed since.
 */
function editsOf(changes: readonly FileChange[], textOf: (path: string) => string | undefined, done: ReadonlySet<string> = new Set()): StepEdit[] | LogConflict {
  const out: StepEdit[] = [];
  for (const c of changes) {
    const text = textOf(c.path);
    // A file to create must not be there (with other text) already.
    if (c.created && text !== undefined && text !== '') return { conflict: c.path };
    if (done.has(c.path) && !c.created && !c.removed && text !== undefined && holdsResult(text, c.replacement)) continue;
    const edit = editFor(text ?? '', c.replacement);
    if (!edit) return { conflict: c.path };
    if (c.removed) out.push({ path: c.path, edits: [], remove: true });
    else out.push({ path: c.path, edits: [edit], ...(c.created ? { create: true } : {}) });
  }
  return out;
}
