// qda/commitEdit, qda/codingUndo and qda/codingRedo: the second half of an operation that
// changes both the user's files and the server's own, and Ctrl+Z / Ctrl+Shift+Z after a coding
// operation (the log lives in core/ops/undoLog.ts; operationReply.ts runs it).
import type { Connection } from 'vscode-languageserver';
import { codingRedoRequest, codingUndoRequest, commitEditRequest } from '../protocol';
import type { Operations } from '../operationReply';

export function registerUndo(connection: Connection, ops: () => Operations | undefined, settled: () => Promise<void>): void {
  connection.onRequest(commitEditRequest, async (p) => (await settled(), ops()?.commit(p.commit) ?? {}));
  connection.onRequest(codingUndoRequest, async () => (await settled(), ops()?.undo() ?? {}));
  connection.onRequest(codingRedoRequest, async () => (await settled(), ops()?.redo() ?? {}));
}
