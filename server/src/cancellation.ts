// Requests the client no longer wants (the user typed on in Ctrl+T, closed the matrix, asked
// again) are answered with RequestCancelled instead of being computed: the check runs before
// the work starts and between the awaits of the long ones. Work that is all synchronous cannot
// see a cancellation that arrives while it runs (the event loop reads it afterwards).
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}
