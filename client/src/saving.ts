// Saving the files a server operation changed, alongside VS Code's own auto-save.
//
// VS Code in the browser saves by itself (`files.autoSave: afterDelay` is its default there).
// An explicit TextDocument.save() that meets an auto-save of the same document resolves
// false — measured: 3 of 30 saves at the default 1 s delay, half of them at 10 ms — although
// the text reaches the disk a moment later through the other save. So false is not "failed":
// the document is saved when it is no longer dirty, and only a document that stays dirty
// after the saves in flight are done (and a retry) is a failure to report.
import * as vscode from 'vscode';

/** How long a save may take to land before it counts as failed (a slow moment of a busy VM took 6 s). */
const SETTLE_MS = 20_000;
/** Between retries of our own save while waiting (ours may have been the one cancelled). */
const RETRY_MS = 500;

/** Resolves when `doc` was saved or its dirty state changed, or after `ms`. */
function nextSaveOrChange(doc: vscode.TextDocument, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const subs: vscode.Disposable[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
      resolve();
    };
    const timer = setTimeout(done, ms);
    subs.push(
      vscode.workspace.onDidSaveTextDocument((d) => d === doc && done()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === doc && done()),
    );
  });
}

/** Saves the document; true when its text is on disk afterwards, whoever saved it. */
export async function saveDocument(doc: vscode.TextDocument): Promise<boolean> {
  if (!doc.isDirty) return true;
  if (await doc.save()) return true;
  const end = Date.now() + SETTLE_MS;
  while (doc.isDirty && !doc.isClosed && Date.now() < end) {
    await nextSaveOrChange(doc, RETRY_MS);
    if (doc.isDirty && (await doc.save())) return true;
  }
  return !doc.isDirty;
}

/** Files whose save failed (for the tests: no such message may appear when the save landed). */
export const saveFailures: string[] = [];

/** Saves the open documents among `uris`; says which could not be saved. */
export async function saveAll(uris: readonly vscode.Uri[]): Promise<void> {
  for (const uri of uris) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc && !(await saveDocument(doc))) {
      const name = vscode.workspace.asRelativePath(uri, false);
      saveFailures.push(name);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save {0}.', name));
    }
  }
}
