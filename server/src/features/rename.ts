// Rename (F2) of a code or category, from its name in codebook.md or from a [[link]] to it:
// one WorkspaceEdit over codebook.md, every coder's codings file, every [[link]] and the
// colour key in qda.yaml. A refused rename (name clash, blocked codings file) is an error
// the editor shows as a message.
import { ErrorCodes, ResponseError, type PrepareRenameParams, type Range, type RenameParams, type WorkspaceEdit } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { locate } from './locate';
import { renameItem } from '../core/ops/codebookOps';
import { toWorkspaceEdit } from './codingCommands';

interface RenameTarget {
  /** The code's or category's current name. */
  name: string;
  range: Range;
}

function renameTarget(ws: ServerWorkspace, uri: string, position: RenameParams['position']): RenameTarget | { error: string } | undefined {
  const at = locate(ws, uri, position);
  if (!at) return undefined;
  if (at.kind === 'codeName') return { name: at.code.name, range: ws.toRange(at.path, at.code.nameRange) };
  if (at.kind === 'categoryName') return { name: at.category.name, range: ws.toRange(at.path, at.category.nameRange) };
  if (at.kind === 'link') {
    const target = ws.project.resolveLink(at.link.target);
    if (!target) return { error: `[[${at.link.target}]] resolves to nothing; there is nothing to rename.` };
    if (target.kind === 'note') return { error: `[[${at.link.target}]] links to the note ${target.path}; rename the file to rename the note.` };
    const name = target.kind === 'code' ? target.code.name : target.category.name;
    return { name, range: ws.toRange(at.path, at.link.targetRange) };
  }
  return undefined;
}

/** The name a rename at this place renames (undefined: nothing to rename there). */
export function renameTargetName(ws: ServerWorkspace, params: RenameParams): string | undefined {
  const t = renameTarget(ws, params.textDocument.uri, params.position);
  return t && !('error' in t) ? t.name : undefined;
}

export function prepareRename(ws: ServerWorkspace, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const t = renameTarget(ws, params.textDocument.uri, params.position);
  if (!t) return null;
  if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
  return { range: t.range, placeholder: t.name };
}

export function rename(ws: ServerWorkspace, params: RenameParams, versionOf: (uri: string) => number | null): WorkspaceEdit | null {
  const t = renameTarget(ws, params.textDocument.uri, params.position);
  if (!t) return null;
  if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
  const result = renameItem(ws.project, t.name, params.newName);
  if (result.error) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  return toWorkspaceEdit(ws, result, versionOf);
}
