// The server's view of the project: the core Project plus what LSP needs around it —
// URIs, open documents as overlays over the disk, offset <-> position conversion.
import { URI } from 'vscode-uri';
import * as path from 'node:path';
import type { Position, Range } from 'vscode-languageserver';
import type { Project } from './core/project/project';
import { LineIndex } from './core/text/text';
import { PieceText, type TextSource } from './core/text/pieceText';
import type { OffsetRange } from './core/model/model';
import { codingsFilePosition } from './core/parse/codings';

/** Entries of the pathOf/uriOf memos before they are cleared. */
const MEMO_LIMIT = 20_000;

export class ServerWorkspace {
  private readonly lineIndexes = new Map<string, LineIndex>();

  constructor(readonly root: string, readonly project: Project) {}

  // pathOf/uriOf run for every event and request (and uriOf for every published file):
  // parsing a URI and resolving a path each time showed in a keystroke's profile. The maps
  // are cleared when they grow past MEMO_LIMIT, so a long session with many files (imports,
  // renames) cannot grow them without bound.
  private readonly paths = new Map<string, string | undefined>();
  private readonly uris = new Map<string, string>();

  /** Folder-relative POSIX path of a file: URI, or undefined when outside the folder. */
  pathOf(uri: string): string | undefined {
    if (this.paths.has(uri)) return this.paths.get(uri);
    const p = this.parsePath(uri);
    if (this.paths.size >= MEMO_LIMIT) this.paths.clear();
    this.paths.set(uri, p);
    return p;
  }

  private parsePath(uri: string): string | undefined {
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== 'file') return undefined;
      fsPath = parsed.fsPath;
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, fsPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  uriOf(relPath: string): string {
    let uri = this.uris.get(relPath);
    if (uri === undefined) {
      uri = URI.file(path.join(this.root, ...relPath.split('/'))).toString();
      if (this.uris.size >= MEMO_LIMIT) this.uris.clear();
      this.uris.set(relPath, uri);
    }
    return uri;
  }

  /** An open document changed: move its line index along instead of rebuilding it later. */
  noteEdit(relPath: string, changes: ReadonlyArray<{ start: number; end: number; text: string }>, textAfter: TextSource): void {
    const cached = this.lineIndexes.get(relPath);
    if (!cached) return;
    const next = cached.shifted(changes, textAfter);
    if (next) this.lineIndexes.set(relPath, next);
    else this.lineIndexes.delete(relPath);
  }

  lineIndex(relPath: string): LineIndex {
    // As held: an open transcript's PieceText is not built into one string for positions.
    const text = this.project.textSourceOf(relPath) ?? '';
    const cached = this.lineIndexes.get(relPath);
    // (An open transcript's PieceText may since have been replaced by the string built from it.)
    if (cached && (cached.text === text || (cached.text instanceof PieceText && cached.text.builtAs(text)))) {
      // Equal, but perhaps another string object (the file re-read on close, an editor's
      // copy): V8 then compares the two texts character by character, on every call — 1 MB
      // × 20,000 ranges of one documentCodings reply took 0.6 s. Keep the index on the
      // current object so that the next comparison is a pointer comparison.
      cached.adopt(text);
      return cached;
    }
    const index = new LineIndex(text);
    this.lineIndexes.set(relPath, index);
    return index;
  }

  toRange(relPath: string, r: OffsetRange): Range {
    return { start: this.toPosition(relPath, r.start), end: this.toPosition(relPath, r.end) };
  }

  toPosition(relPath: string, offset: number): Position {
    const file = this.project.codingsFile(relPath);
    if (file) {
      const p = codingsFilePosition(file, this.project.textOf(relPath) ?? '', offset);
      if (p) return p;
    }
    return this.lineIndex(relPath).positionAt(offset);
  }

  toOffset(relPath: string, p: Position): number {
    return this.lineIndex(relPath).offsetAt(p);
  }
}
