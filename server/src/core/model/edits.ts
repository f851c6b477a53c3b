// Edits as core computes them: offsets into one file's text, and a set of them over several
// files. Every operation (coding, codebook, import, re-anchoring write-back) returns these; the
// server turns them into a WorkspaceEdit, the CLI applies them to disk. They live in the model
// so that the layers that compute them (project, checks, ops) need not import each other.

/** Replaces start..end (UTF-16 offsets, end exclusive) of a file's text with newText. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface FileEdit {
  path: string;
  /** The file does not exist yet and is created by this edit. */
  create?: boolean;
  /** The file is deleted (`edits` is empty): a codings file moved with its transcript, or undoing its creation. */
  remove?: boolean;
  /** Created here as the move of this file: undoing it deletes the file again (a plain creation's undo leaves it empty). */
  movedFrom?: string;
  edits: OffsetEdit[];
}

export interface OperationResult {
  edits: FileEdit[];
  /** The operation was refused: a message for the user. */
  error?: string;
  message?: string;
  codingId?: string;
  candidates?: string[];
  removed?: number;
}
