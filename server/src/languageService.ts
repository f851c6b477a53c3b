// The server's features behind one façade, in the manner of vscode-markdown-languageservice's
// createLanguageService: one function per LSP method and custom request (protocol.ts), each
// taking the request's params and its cancellation token. server.ts maps the methods to these;
// the features (features/, one file per domain) take the workspace and what they need of the
// open documents (their versions for WorkspaceEdits, their texts, whether they are open).
// Every request is checked for cancellation before it starts (server.ts); the ones that await
// (exports, the import preview, Compare Coders) get the token and check it between the steps;
// the long analyses (matrix, framework, charts, coded segments) run in slices and see it at every pause
// (cancellation.ts, runSliced).
import { CodeActionKind, type CancellationToken, type CodeAction, type CodeActionParams, type RenameFilesParams } from 'vscode-languageserver';
import type { ServerWorkspace } from './workspace';
import type { Operations } from './operationReply';
import { runSliced } from './cancellation';
import type { Steps } from './core/text/steps';
import { completion, definition, hover, prepareRename, references, rename, workspaceSymbols } from './features/navigation';
import { exportThemeReport, followRename, reviewAction, reviewState, reviewStatuses } from './features/review';
import { codebookTree, codeSummaries, documentCodings, documentPaint, segments } from './features/codebookTree';
import { codeSelection, recode, uncodeOne, uncodeSelection } from './features/codingCommands';
import { accept, reattach, remove, reviewCodings } from './features/orphans';
import { deleteCodingsOfDoc, didRenameFiles, missingTranscripts, relinkCodings, renameCodeActions, willRenameFiles } from './features/fileRenames';
import { importPreview, importTranscripts } from './features/importTranscripts';
import { informants, setAttribute } from './features/informants';
import { exportQuotes, formatQuoteRequestHandler, quotableSegments, quoteCodeActions } from './features/quotes';
import {
  codebookCodeActions,
  deleteCodeHandler,
  exportCodebookHandler,
  mergeCodesHandler,
  moveItemsHandler,
  newCategoryHandler,
  renameItemHandler,
  setColorHandler,
  setDescriptionHandler,
} from './features/codebookOps';
import { privacyCodeActions } from './features/privacy';
import { matrix, matrixCell } from './features/matrix';
import { framework, frameworkNote } from './features/framework';
import { codedSegments, saveQueryHandler } from './features/codedSegments';
import { chart } from './features/charts';
import { analysisXlsx } from './features/analysisXlsx';
import { segmentsDocxHandler } from './features/segmentsDocx';
import { refiExport, refiImport, refiImportPreview } from './features/refiExchange';
import { agreementSummary, disagreements, disagreementStep, settle } from './features/compareCoders';

/** Quick fixes, from every domain that has some. */
function codeActions(ws: ServerWorkspace, params: CodeActionParams): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const v = ws.versionOf;
  // Codebook fixes (merge near-duplicates, add or map unknown codes): features/codebookOps.ts.
  // Real names from the identifiers file (qda.realName, any project file): features/privacy.ts.
  // Codings of a transcript renamed outside the editor (git mv): features/fileRenames.ts.
  // A chapter's quotes: features/quotes.ts.
  return [...codebookCodeActions(ws, params, v), ...privacyCodeActions(ws, params, v), ...renameCodeActions(ws, params), ...quoteCodeActions(ws, params, v)];
}

/** The params of a request that takes none. */
type NoParams = Record<string, never>;

/** `ops`: the one way operations write the server's files and reply (operationReply.ts). */
export function createLanguageService(ws: ServerWorkspace, ops: Operations) {
  const v = ws.versionOf;
  /** A computation that pauses, run in slices on one version of the project (cancellation.ts). */
  const sliced = <T>(compute: () => Steps<T>, token: CancellationToken | undefined): Promise<T> => runSliced(compute, token, () => ws.project.version);
  return Object.freeze({
    // ---- LSP methods
    hover: (p: Parameters<typeof hover>[1]) => hover(ws, p),
    definition: (p: Parameters<typeof definition>[1]) => definition(ws, p),
    references: (p: Parameters<typeof references>[1]) => references(ws, p),
    completion: (p: Parameters<typeof completion>[1]) => completion(ws, p),
    workspaceSymbols: (p: Parameters<typeof workspaceSymbols>[1]) => workspaceSymbols(ws, p),
    prepareRename: (p: Parameters<typeof prepareRename>[1]) => prepareRename(ws, p),
    // A renamed code, group or theme takes its review threads along (features/review.ts), once
    // the rename has happened (on commit when its codings wait for the client).
    rename: (p: Parameters<typeof rename>[1]) => rename(ops, p, (before) => followRename(ws, before, p.newName)),
    codeActions: (p: CodeActionParams) => codeActions(ws, p),
    // Transcripts renamed, moved or deleted: the plans check the disk for the files they touch,
    // except those open in the editor. The codings follow after the rename (didRenameFiles).
    willRenameFiles: (_p: RenameFilesParams) => willRenameFiles(),
    didRenameFiles: (p: RenameFilesParams) => didRenameFiles(ops, p),

    // ---- the Codebook view, segment lists, the code picker, decorations
    codebookTree: async (_p: NoParams) => codebookTree(ws, await reviewStatuses(ws)),
    segments: (p: Parameters<typeof segments>[1]) => segments(ws, p),
    codeSummaries: (_p: NoParams) => codeSummaries(ws),
    documentCodings: (p: { uri: string }) => documentCodings(ws, p.uri),
    documentPaint: (p: { uri: string }) => documentPaint(ws, p.uri),

    // ---- coding, uncoding, recoding; orphaned codings; missing transcripts
    codeSelection: (p: Parameters<typeof codeSelection>[1]) => codeSelection(ops, p),
    uncodeSelection: (p: Parameters<typeof uncodeSelection>[1]) => uncodeSelection(ops, p),
    recodeCoding: (p: Parameters<typeof recode>[1]) => recode(ops, p),
    uncodeCoding: (p: Parameters<typeof uncodeOne>[1]) => uncodeOne(ops, p),
    reviewCodings: (_p: NoParams) => reviewCodings(ws),
    reattachCoding: (p: Parameters<typeof reattach>[1]) => reattach(ops, p),
    acceptCoding: (p: { id: string }) => accept(ops, p.id),
    deleteCoding: (p: { id: string }) => remove(ops, p.id),
    missingTranscripts: (_p: NoParams) => missingTranscripts(ws),
    relinkCodings: (p: Parameters<typeof relinkCodings>[1]) => relinkCodings(ops, p),
    deleteCodingsOfDoc: (p: Parameters<typeof deleteCodingsOfDoc>[1]) => deleteCodingsOfDoc(ops, p),

    // ---- codebook work: rename, merge, move, group, delete, describe, colour, export
    renameItem: (p: Parameters<typeof renameItemHandler>[1]) => renameItemHandler(ops, p, () => followRename(ws, p.name, p.newName)),
    mergeCodes: (p: Parameters<typeof mergeCodesHandler>[1]) => mergeCodesHandler(ops, p),
    moveItems: (p: Parameters<typeof moveItemsHandler>[1]) => moveItemsHandler(ops, p),
    newCategory: (p: Parameters<typeof newCategoryHandler>[1]) => newCategoryHandler(ops, p),
    deleteCode: (p: Parameters<typeof deleteCodeHandler>[1]) => deleteCodeHandler(ops, p),
    setDescription: (p: Parameters<typeof setDescriptionHandler>[1]) => setDescriptionHandler(ops, p),
    setColor: (p: Parameters<typeof setColorHandler>[1]) => setColorHandler(ops, p),
    exportCodebook: (p: Parameters<typeof exportCodebookHandler>[1], token: CancellationToken) => exportCodebookHandler(ws, p, token),

    // ---- import, informants, quotes
    importPreview: (p: Parameters<typeof importPreview>[1], token: CancellationToken) => importPreview(ws, p, token),
    importTranscripts: (p: Parameters<typeof importTranscripts>[1]) => importTranscripts(ws, p, v),
    informants: (_p: NoParams) => informants(ws),
    setInformantAttribute: (p: Parameters<typeof setAttribute>[1]) => setAttribute(ops, p),
    formatQuote: (p: Parameters<typeof formatQuoteRequestHandler>[1]) => formatQuoteRequestHandler(ws, p),
    quotableSegments: (_p: NoParams) => quotableSegments(ws),
    exportQuotes: (p: Parameters<typeof exportQuotes>[1], token: CancellationToken) => exportQuotes(ws, p, token),

    // ---- analysis: framework matrix, Compare Coders
    matrix: (p: Parameters<typeof matrix>[1], token?: CancellationToken) => sliced(() => matrix(ws, p), token),
    matrixCell: (p: Parameters<typeof matrixCell>[1], token?: CancellationToken) => sliced(() => matrixCell(ws, p), token),
    framework: (p: Parameters<typeof framework>[1], token?: CancellationToken) => sliced(() => framework(ws, p), token),
    frameworkNote: (p: Parameters<typeof frameworkNote>[1]) => frameworkNote(ws, p, v),
    codedSegments: (p: Parameters<typeof codedSegments>[1], token?: CancellationToken) => sliced(() => codedSegments(ws, p), token),
    chart: (p: Parameters<typeof chart>[1], token?: CancellationToken) => chart(ws, p, token),
    saveQuery: (p: Parameters<typeof saveQueryHandler>[1]) => saveQueryHandler(ws, p, v),
    analysisXlsx: (p: Parameters<typeof analysisXlsx>[1]) => analysisXlsx(ws, p),
    segmentsDocx: (p: Parameters<typeof segmentsDocxHandler>[1]) => segmentsDocxHandler(ws, p),

    // ---- REFI-QDA exchange (NVivo, ATLAS.ti, MAXQDA, QualCoder)
    // ---- review: comment threads, review status, the theme report (issue 20)
    reviewState: (_p: NoParams) => reviewState(ws),
    reviewAction: (p: Parameters<typeof reviewAction>[1]) => reviewAction(ws, p),
    exportThemeReport: (p: Parameters<typeof exportThemeReport>[1]) => exportThemeReport(ws, p),

    refiExport: (p: Parameters<typeof refiExport>[1]) => refiExport(ws, p),
    refiImportPreview: (p: Parameters<typeof refiImportPreview>[1]) => refiImportPreview(ws, p),
    refiImport: (p: Parameters<typeof refiImport>[1]) => refiImport(ws, p, v),
    disagreements: (p: Parameters<typeof disagreements>[1], token: CancellationToken) => disagreements(ws, p, ws.openText, token),
    disagreementStep: (p: Parameters<typeof disagreementStep>[1]) => disagreementStep(ws, p, ws.openText),
    agreementSummary: (p: Parameters<typeof agreementSummary>[1], token: CancellationToken) => agreementSummary(ws, p, ws.openText, token),
    settleDisagreement: (p: Parameters<typeof settle>[1]) => settle(ops, p, ws.openText),

    // ---- the second half of a two-part operation, and Ctrl+Z / Ctrl+Shift+Z after a coding operation
    commitEdit: (p: { commit: number }) => ops.commit(p.commit),
    codingUndo: (p: { uri?: string; done?: string[] }) => ops.undo(donePaths(ws, p.done)),
    codingRedo: (p: { uri?: string; done?: string[] }) => ops.redo(donePaths(ws, p.done)),
  });
}

export type LanguageService = ReturnType<typeof createLanguageService>;

/** The project paths of the files VS Code's own undo or redo already took back. */
function donePaths(ws: ServerWorkspace, uris: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const uri of uris ?? []) {
    const path = ws.pathOf(uri);
    if (path !== undefined) out.add(path);
  }
  return out;
}
