// Quick fixes of qda.realName (a real name from the identifiers file in the text): replace it by
// its code here, everywhere in this file, or everywhere in the project, each as one WorkspaceEdit.
import * as l10n from '../core/text/l10n';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import type { QdaDiagnostic } from '../core/model/model';
import type { FileEdit } from '../core/model/edits';
import { REAL_NAME_CODE, replaceRealNameEdits } from '../core/checks/privacy';
import { toLspDiagnostic } from './diagnostics';
import { projectDiagnostics } from '../core/checks/diagnostics';

function toEdit(ws: ServerWorkspace, edits: FileEdit[], versionOf: (uri: string) => number | null): { documentChanges: TextDocumentEdit[] } {
  return {
    documentChanges: edits.map((fe) => {
      const uri = ws.uriOf(fe.path);
      return { textDocument: { uri, version: versionOf(uri) }, edits: fe.edits.map((e) => ({ range: ws.toRange(fe.path, e), newText: e.newText })) };
    }),
  };
}

const sameRange = (a: Diagnostic, b: Diagnostic): boolean =>
  a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character && a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;

export function privacyCodeActions(ws: ServerWorkspace, params: CodeActionParams, versionOf: (uri: string) => number | null): CodeAction[] {
  const path = ws.pathOf(params.textDocument.uri);
  if (!path) return [];
  const all = projectDiagnostics(ws.project);
  const inFile = (all.get(path) ?? []).filter((d) => d.code === REAL_NAME_CODE);
  if (inFile.length === 0) return [];
  const start = ws.toOffset(path, params.range.start);
  const end = ws.toOffset(path, params.range.end);
  const here = inFile.filter((d) => d.range.start <= end && start <= d.range.end);
  const clientDiagnostic = (d: QdaDiagnostic): Diagnostic => {
    const lsp = toLspDiagnostic(ws, d);
    return params.context.diagnostics.find((c) => c.code === REAL_NAME_CODE && sameRange(c, lsp)) ?? lsp;
  };
  const actions: CodeAction[] = [];
  const codesDone = new Set<string>();
  for (const d of here) {
    const codes = (d.data?.codes ?? []) as string[];
    const diagnostic = clientDiagnostic(d);
    for (const code of codes) {
      actions.push({
        title: l10n.t('Replace this name with {0}', code),
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: codes.length === 1,
        edit: toEdit(ws, [{ path, edits: [{ start: d.range.start, end: d.range.end, newText: code }] }], versionOf),
      });
    }
    // "All" only for names that stand for one code; a word shared by two names is decided one by one.
    if (codes.length !== 1 || codesDone.has(codes[0]!)) continue;
    const code = codes[0]!;
    codesDone.add(code);
    const fileEdits = replaceRealNameEdits(inFile, code);
    const inThisFile = fileEdits[0]?.edits.length ?? 0;
    if (inThisFile > 1) {
      actions.push({
        title: l10n.t('Replace all {0} names of {1} in this file with {1}', inThisFile, code),
        kind: CodeActionKind.QuickFix,
        diagnostics: inFile.filter((x) => (x.data?.codes as string[] | undefined)?.join() === code).map(clientDiagnostic),
        edit: toEdit(ws, fileEdits, versionOf),
      });
    }
    const projectEdits = replaceRealNameEdits([...all.values()].flat(), code);
    const total = projectEdits.reduce((n, fe) => n + fe.edits.length, 0);
    if (projectEdits.length > 1) {
      actions.push({
        title: l10n.t('Replace all {0} names of {1} in the project ({2} files) with {1}', total, code, projectEdits.length),
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toEdit(ws, projectEdits, versionOf),
      });
    }
  }
  return actions;
}
