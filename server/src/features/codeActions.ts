// Quick fixes. Core computes them from the current text (quoteFixes); here they become LSP
// code actions with WorkspaceEdits, attached to the diagnostics they answer.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { quoteFixes } from '../core/checks/quotes';
import { codebookCodeActions } from './codebookOps';
import { privacyCodeActions } from './privacy';
import { renameCodeActions } from './fileRenames';

export function codeActions(ws: ServerWorkspace, params: CodeActionParams, versionOf: (uri: string) => number | null): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const uri = params.textDocument.uri;
  const path = ws.pathOf(uri);
  // Codebook fixes (merge near-duplicates, add or map unknown codes): features/codebookOps.ts.
  // Real names from the identifiers file (qda.realName, any project file): features/privacy.ts.
  // Codings of a transcript renamed outside the editor (git mv): features/fileRenames.ts.
  const codebookFixes = [...codebookCodeActions(ws, params, versionOf), ...privacyCodeActions(ws, params, versionOf), ...renameCodeActions(ws, params)];
  if (!path || ws.project.roleOf(path) !== 'chapter') return codebookFixes;
  const range = { start: ws.toOffset(path, params.range.start), end: ws.toOffset(path, params.range.end) };
  const byCode = new Map<string, Diagnostic[]>();
  for (const d of params.context.diagnostics) {
    if (typeof d.code !== 'string') continue;
    byCode.set(d.code, [...(byCode.get(d.code) ?? []), d]);
  }
  const version = versionOf(uri);
  return codebookFixes.concat(quoteFixes(ws.project, path, range).map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: byCode.get(fix.code),
    isPreferred: fix.preferred,
    edit: {
      documentChanges: [
        {
          textDocument: { uri: ws.uriOf(fix.path), version },
          edits: fix.edits.map((e) => ({ range: ws.toRange(fix.path, e), newText: e.newText })),
        },
      ],
    },
  })));
}
