// Every custom request and notification between the extension and the server, in one file.
// The client imports this file too; it must stay free of vscode and server-only imports.
import { NotificationType, RequestType, type Range, type WorkspaceEdit, type Location, type Position } from 'vscode-languageserver-protocol';
import type { ImportPreview, PreviewFile } from './core/import/plan';

export interface CodeSummary {
  name: string;
  description: string;
  /** Category names from the top theme down, empty for a code outside any category. */
  categoryPath: string[];
  color: string;
  codings: number;
  informants: number;
  coders: string[];
  /** ISO time of this coder's most recent coding with this code ('' if never). */
  lastUsed: string;
}

export interface TreeCodeNode {
  kind: 'code';
  name: string;
  description: string;
  color: string;
  codings: number;
  informants: number;
  coders: string[];
  location: Location;
  children: TreeCodeNode[];
  /** Review status and open comment threads (issue 20). */
  review?: ReviewStatusInfo;
}

export interface TreeCategoryNode {
  kind: 'category';
  name: string;
  description: string;
  level: number;
  codings: number;
  informants: number;
  location: Location;
  children: TreeNode[];
  /** Review status and open comment threads (a theme or group). */
  review?: ReviewStatusInfo;
}

export type TreeNode = TreeCodeNode | TreeCategoryNode;

export interface CodebookTreeResult {
  version: number;
  codebookUri: string;
  roots: TreeNode[];
  /** Codes used in codings that the codebook lacks: shown so nothing is hidden. */
  unknownCodes: TreeCodeNode[];
}

export interface SegmentInfo {
  id: string;
  code: string;
  coder: string;
  uri: string;
  range: Range;
  text: string;
  informants: string[];
  anchored: boolean;
  /** Chapters quoting this segment (anchor id), for the tree's "quoted" mark. */
  quotedIn: string[];
}

export interface DocumentCoding {
  id: string;
  code: string;
  color: string;
  coder: string;
  range: Range;
  anchored: boolean;
  /** The current coder's own coding (only those can be uncoded or recoded). */
  mine?: boolean;
}

export const codebookTreeRequest = new RequestType<Record<string, never>, CodebookTreeResult, void>('qda/codebookTree');

export interface SegmentsParams {
  code?: string;
  category?: string;
}
export const segmentsRequest = new RequestType<SegmentsParams, SegmentInfo[], void>('qda/segments');

export const codeSummariesRequest = new RequestType<Record<string, never>, CodeSummary[], void>('qda/codeSummaries');

export interface DocumentCodingsParams {
  uri: string;
}
export const documentCodingsRequest = new RequestType<DocumentCodingsParams, DocumentCoding[], void>('qda/documentCodings');

/**
 * What decorations need and nothing more: for each colour, the ranges of the document's anchored
 * codings as flat numbers [startLine, startCharacter, endLine, endCharacter, …], in document
 * order. For a 1 MB transcript with 10,000 codings this is ~0.2 MB of JSON where
 * qda/documentCodings is ~1.5 MB, and moving that through both processes was most of the time
 * from opening such a transcript to its paint.
 */
export interface DocumentPaint {
  colors: Record<string, number[]>;
}
export const documentPaintRequest = new RequestType<DocumentCodingsParams, DocumentPaint, void>('qda/documentPaint');

/**
 * A coding operation made from an editor names it: Ctrl+Z / Ctrl+Shift+Z there (qda/codingUndo,
 * qda/codingRedo) undo and redo it for as long as that document is not edited.
 */
export interface FromEditor {
  /** The URI of the editor the operation was made from. */
  origin?: string;
}

export interface CodeSelectionParams extends FromEditor {
  uri: string;
  range: Range;
  code: string;
  /** Create the code in the codebook when it does not exist (appended under the uncategorised section). */
  create?: boolean;
}
/**
 * What every operation replies (server/src/operationReply.ts makes it). The server writes the
 * files under .qda/ itself; `edit` holds only the files a user reads (codebook.md, memos,
 * chapters, qda.yaml, transcripts), applied by the client so that nothing is written behind an
 * open editor's back.
 */
export interface EditResult {
  edit?: WorkspaceEdit;
  /** Set when the operation was refused; a message for the user, naming file and line. */
  error?: string;
  /** Files the client should save after applying `edit`. */
  save?: string[];
  message?: string;
  /** The server's own files (.qda/codings/**, .qda/consensus/**) it wrote for this operation. */
  written?: string[];
  /**
   * Set when the operation changes both kinds of file: the server writes its own files (listed
   * in `pending`) only once the client has applied `edit` and sends qda/commitEdit with this
   * number — so a refused edit leaves everything as it was.
   */
  commit?: number;
  pending?: string[];
  /** The undo log after this operation, for the client's Ctrl+Z context keys. */
  history?: UndoState;
}

/** The newest entry on each side of the undo log: the editor it belongs to and that editor's version then. */
export interface UndoState {
  undo?: UndoTop;
  redo?: UndoTop;
}
export interface UndoTop {
  uri: string;
  version: number | null;
}

/**
 * textDocument/rename's answer (F2 on a code, group or theme): the WorkspaceEdit of the files
 * the user reads, and, when codings files change too, the `commit` the client sends
 * (qda/commitEdit) once VS Code has applied the edit — as for every other operation. A rename
 * VS Code does not apply (the preview cancelled, a document changed since) is never committed,
 * so the codings keep naming a code the codebook has.
 */
export type RenameReply = WorkspaceEdit & Pick<EditResult, 'commit' | 'pending' | 'written' | 'history'>;

/**
 * The client command of a quick fix whose change touches codings files (merge near-duplicate
 * codes, map an unknown code, re-link the codings of a transcript renamed outside): it sends
 * the request with its params and applies the reply like any other operation's — the
 * WorkspaceEdit first, then qda/commitEdit, after which the server writes the codings.
 */
export const RUN_OPERATION_COMMAND = 'qda.runOperation';
export type OperationCommandArgs = { method: 'qda/mergeCodes'; params: MergeCodesParams } | { method: 'qda/relinkCodings'; params: RelinkCodingsParams };

export interface CommitEditParams {
  commit: number;
}
/** The client applied the `edit` of a reply with `commit`: now the server writes its own files. */
export const commitEditRequest = new RequestType<CommitEditParams, EditResult, void>('qda/commitEdit');

export interface CodingUndoParams {
  /** The editor Ctrl+Z was pressed in. */
  uri?: string;
  /**
   * Files VS Code's own Edit › Undo (or Redo) has already taken back, in an editor of the
   * operation: their part is not made again, only the codings follow (client/src/serverEdits.ts).
   */
  done?: string[];
}
/** Undoes the newest coding operation of the undo log (Ctrl+Z in the editor it was made from). */
export const codingUndoRequest = new RequestType<CodingUndoParams, EditResult, void>('qda/codingUndo');
/** Redoes the newest undone coding operation (Ctrl+Shift+Z). */
export const codingRedoRequest = new RequestType<CodingUndoParams, EditResult, void>('qda/codingRedo');

export interface LoadDocumentsParams {
  uris: string[];
}
/**
 * Server → client, before the server first writes a codings file the client has not loaded:
 * load it (no editor is shown). VS Code then reloads it when the server writes it, as an
 * undoable step of that document, so Undo in an open codings file still takes a coding back.
 */
export const loadDocumentsRequest = new RequestType<LoadDocumentsParams, void, void>('qda/loadDocuments');
export const codeSelectionRequest = new RequestType<CodeSelectionParams, EditResult & { id?: string }, void>('qda/codeSelection');

export interface UncodeSelectionParams extends FromEditor {
  uri: string;
  range: Range;
  /** Which code to remove; when absent and several apply, the result lists `candidates`. */
  code?: string;
}
export const uncodeSelectionRequest = new RequestType<UncodeSelectionParams, EditResult & { candidates?: string[]; removed?: number }, void>('qda/uncodeSelection');

export interface IndexChangedParams {
  version: number;
  /** Documents whose codings changed (decorations to refresh); empty means all. */
  uris: string[];
}
/** Server → client: the index changed; refresh trees and decorations. */
export const indexChangedNotification = new NotificationType<IndexChangedParams>('qda/indexChanged');

export interface ReadyParams {
  documents: number;
  codes: number;
  codings: number;
  millis: number;
}
/** Server → client: the first full index is built. */
export const readyNotification = new NotificationType<ReadyParams>('qda/ready');

/** Options the client sends in initializationOptions. */
export interface InitializationOptions {
  /** The qda.coder setting (qda.yaml `coder` wins over it). */
  coder?: string;
  /**
   * The client's l10n bundle (vscode.l10n.bundle: English message → translation), absent in
   * English: the server's messages are translated with it (server/src/l10n.ts).
   */
  l10n?: Record<string, string>;
}

// ---- quotes in chapters --------------------------------------------------------------

export interface FormatQuoteParams {
  /** The coding (segment) to quote. */
  id: string;
  /** Only this part of the segment (in the transcript); omitted text is marked with the ellipsis. */
  range?: Range;
  /** The chapter the quote goes into, and where: block quotes then get paragraphs of their own. */
  uri?: string;
  position?: Position;
}
export interface FormatQuoteResult {
  /** The text to insert (quote style, informant, anchor). */
  text?: string;
  form?: 'inline' | 'block';
  informant?: string;
  /** Whether `uri` is a chapter of the project (under `chapters:` in qda.yaml). */
  chapter: boolean;
  error?: string;
}
export const formatQuoteRequest = new RequestType<FormatQuoteParams, FormatQuoteResult, void>('qda/formatQuote');

export interface QuotableSegment extends SegmentInfo {
  /** Category names from the top theme down to the code. */
  categoryPath: string[];
}
/** Every coded segment, for the "Find coded segment…" quick pick. */
export const quotableSegmentsRequest = new RequestType<Record<string, never>, QuotableSegment[], void>('qda/quotableSegments');

export interface ExportQuotesParams {
  format: 'docx' | 'md';
}
export interface ExportQuotesResult {
  /** docx: the file's bytes, base64. */
  base64?: string;
  /** md: the Markdown text. */
  text?: string;
  segments: number;
  error?: string;
}
/** The quote bank: coded segments grouped by theme › code, for writers drafting in Word. */
export const exportQuotesRequest = new RequestType<ExportQuotesParams, ExportQuotesResult, void>('qda/exportQuotes');

// ---- codebook work (issue 6): rename, merge, move, group, delete, describe, colour, export ----

/** The result of a codebook operation; `removed` counts codings that go (merge duplicates, delete). */
export type CodebookEditResult = EditResult & { removed?: number };

export interface RenameItemParams {
  /** A code or category name (compared after NFC and case folding). */
  name: string;
  newName: string;
}
export const renameItemRequest = new RequestType<RenameItemParams, CodebookEditResult, void>('qda/renameItem');

export interface MergeCodesParams extends FromEditor {
  sources: string[];
  target: string;
}
export const mergeCodesRequest = new RequestType<MergeCodesParams, CodebookEditResult, void>('qda/mergeCodes');

/** Where moved items go: into a category, before/after a sibling, or under a code as children. */
export type MoveTargetParam =
  | { kind: 'into'; category: string }
  | { kind: 'before' | 'after'; sibling: string }
  | { kind: 'under'; code: string };
export interface MoveItemsParams {
  names: string[];
  target: MoveTargetParam;
}
export const moveItemsRequest = new RequestType<MoveItemsParams, CodebookEditResult, void>('qda/moveItems');

export interface NewCategoryParams {
  name: string;
  /** The category it goes under; a main theme when absent. */
  parent?: string;
  /** Codes to move into it ("Group selected codes into new category"). */
  codes?: string[];
  description?: string;
}
export const newCategoryRequest = new RequestType<NewCategoryParams, CodebookEditResult, void>('qda/newCategory');

export interface DeleteCodeParams {
  name: string;
}
/** Computes the deletion; the client asks the user (with `removed`) before applying it. */
export const deleteCodeRequest = new RequestType<DeleteCodeParams, CodebookEditResult, void>('qda/deleteCode');

export interface SetDescriptionParams {
  name: string;
  description: string;
}
export const setDescriptionRequest = new RequestType<SetDescriptionParams, CodebookEditResult, void>('qda/setDescription');

export interface SetColorParams {
  name: string;
  /** "#rrggbb", or '' to go back to the palette colour. */
  color: string;
}
export const setColorRequest = new RequestType<SetColorParams, CodebookEditResult, void>('qda/setColor');

export type CodebookExportFormat = 'codebook-md' | 'codebook-docx' | 'csv';
export interface ExportCodebookParams {
  format: CodebookExportFormat;
}
export interface ExportCodebookResult {
  /** Text formats. */
  text?: string;
  /** Binary formats (docx), base64. */
  base64?: string;
  /** Suggested file name. */
  fileName: string;
  /** What was exported, for the "Wrote PATH (N codes, N categories)" line. */
  codes?: number;
  categories?: number;
  error?: string;
}
export const exportCodebookRequest = new RequestType<ExportCodebookParams, ExportCodebookResult, void>('qda/exportCodebook');

// ---- orphaned and fuzzy codings (issue 4) ------------------------------------------------

export interface ReviewCoding {
  kind: 'orphan' | 'fuzzy';
  id: string;
  code: string;
  coder: string;
  /** The coded text as it was when the coding was made. */
  exact: string;
  uri: string;
  /** Where the coding is (fuzzy) or was last (orphan). */
  range: Range;
  /** The transcript file is missing altogether. */
  missingDocument: boolean;
  score?: number;
}
export const reviewCodingsRequest = new RequestType<Record<string, never>, ReviewCoding[], void>('qda/reviewCodings');

export interface ReattachCodingParams {
  id: string;
  uri: string;
  range: Range;
}
export const reattachCodingRequest = new RequestType<ReattachCodingParams, EditResult, void>('qda/reattachCoding');

export interface CodingIdParams {
  id: string;
}
export const acceptCodingRequest = new RequestType<CodingIdParams, EditResult, void>('qda/acceptCoding');
export const deleteCodingRequest = new RequestType<CodingIdParams, EditResult, void>('qda/deleteCoding');

/** "Recode…" on a coded passage: the coding moves to another code (created when `create`). */
export interface RecodeCodingParams extends FromEditor {
  id: string;
  code: string;
  create?: boolean;
}
export const recodeCodingRequest = new RequestType<RecodeCodingParams, EditResult, void>('qda/recodeCoding');
/** "Uncode" on a coded passage or a tree segment: removes that one coding (the coder's own only). */
export interface UncodeCodingParams extends CodingIdParams, FromEditor {}
export const uncodeCodingRequest = new RequestType<UncodeCodingParams, EditResult, void>('qda/uncodeCoding');
// ---- transcripts renamed, moved or deleted (issue 13) ------------------------------------

export interface MissingTranscript {
  /** Folder-relative path the codings name; the file is gone. */
  doc: string;
  uri: string;
  /** Codings of every coder that name it. */
  codings: number;
  /** A transcript whose text holds most of them (renamed outside the editor), if one does. */
  suggestion?: { uri: string; path: string; found: number };
}
export const missingTranscriptsRequest = new RequestType<Record<string, never>, MissingTranscript[], void>('qda/missingTranscripts');

export interface RelinkCodingsParams extends FromEditor {
  /** The missing transcript (folder-relative path) the codings name. */
  doc: string;
  /** The transcript they belong to now. */
  uri: string;
}
export const relinkCodingsRequest = new RequestType<RelinkCodingsParams, EditResult & { relinked?: number }, void>('qda/relinkCodings');

export interface DocCodingsParams {
  doc: string;
}
export const deleteCodingsOfDocRequest = new RequestType<DocCodingsParams, EditResult & { removed?: number }, void>('qda/deleteCodingsOfDoc');

// ---- import, informants and privacy (issue 5) --------------------------------------------

export interface ImportFilesParams {
  /** file: URIs of the files to import (.vtt, .srt, .docx, .txt, .md). */
  files: string[];
  /** Speaker as found in the source (real name or label) → informant code or interviewer label. */
  speakers?: Record<string, string>;
  /** Speakers to mark as interviewers (they get the generic interviewer label). */
  interviewers?: string[];
  /** URIs of existing transcripts the user agreed to replace. */
  overwrite?: string[];
  /** The layout of .txt/.md/.docx files when the importer cannot tell it (core/import/layouts.ts ids). */
  layout?: string;
  /** Source file URI → transcript URI to write instead of the usual one ("Import as new name"). */
  targets?: Record<string, string>;
}

// The import preview is the one type core/import/plan.ts computes (ImportPreview), with the
// URIs of each file and of the transcript it becomes added for the client.
/** A speaker the preview found: as the source wrote it, as the transcript would, role, counts, first words. */
export type ImportSpeakerInfo = PreviewFile['speakers'][number];

export interface ImportPreviewFile extends PreviewFile {
  uri: string;
  targetUri: string;
}

export interface ImportPreviewResult extends Omit<ImportPreview, 'files'> {
  files: ImportPreviewFile[];
}
/** Converts without writing: what the import would produce, for the speaker mapping UI. */
export const importPreviewRequest = new RequestType<ImportFilesParams, ImportPreviewResult, void>('qda/importPreview');

export interface ImportTranscriptsResult extends EditResult {
  /** URIs of the transcripts the edit writes. */
  transcripts?: string[];
  /** URI of the identifiers file when the edit writes it. */
  identifiersUri?: string;
  /** The identifiers file's line was added to .gitignore. */
  gitignore?: boolean;
  warnings?: string[];
}
/** The edit that writes the transcripts, the identifiers file and its .gitignore line. */
export const importTranscriptsRequest = new RequestType<ImportFilesParams, ImportTranscriptsResult, void>('qda/importTranscripts');

export interface InformantItem {
  code: string;
  attributes: Record<string, string>;
  /** Listed under `informants:` in qda.yaml. */
  inConfig: boolean;
  transcripts: Array<{ path: string; uri: string }>;
  turns: number;
  words: number;
  codings: number;
}
export interface InformantsResult {
  version: number;
  informants: InformantItem[];
  /** Every attribute name in use, sorted (suggestions when adding one). */
  attributeNames: string[];
  configUri: string;
}
export const informantsRequest = new RequestType<Record<string, never>, InformantsResult, void>('qda/informants');

export interface SetInformantAttributeParams {
  informant: string;
  attribute: string;
  /** The new value; empty or absent removes the attribute. */
  value?: string;
}
/** The edit of qda.yaml (comments kept) that sets an informant's attribute. */
export const setInformantAttributeRequest = new RequestType<SetInformantAttributeParams, EditResult, void>('qda/setInformantAttribute');

// ---- Compare Coders (issue 18) -------------------------------------------------------------

export interface DisagreementInfo {
  /** Stable while the codings do not change. */
  key: string;
  code: string;
  uri: string;
  range: Range;
  /** The passage's text, for the list. */
  text: string;
  /** Codings of the place by coder A and by coder B, with their ranges (for painting). */
  a: Array<{ id: string; range: Range }>;
  b: Array<{ id: string; range: Range }>;
}

/**
 * A page of the comparison. The disagreements are in one order, the walk's: by code (the
 * locale's collation), transcript and place; `offset` counts in that order, or within `code`'s
 * disagreements when one is named. The reply is bounded by the page, not by the corpus
 * (49,824 disagreements of the bench corpus were 24 MB in one reply).
 */
export interface DisagreementsParams {
  a: string;
  b: string;
  /** Position of the page's first item (default 0). */
  offset?: number;
  /** Items in the page (default and at most DISAGREEMENTS_PAGE_MAX). */
  limit?: number;
  /** Only this code's disagreements (a code expanded in the view). */
  code?: string;
}
export const DISAGREEMENTS_PAGE_MAX = 200;

export interface DisagreementCount {
  code: string;
  count: number;
  /** Position of the code's first disagreement in the walk's order. */
  first: number;
}

export interface DisagreementsResult {
  /** Every coder with codings in the project, sorted. */
  coders: string[];
  /** The consensus coder of qda.yaml (`consensus:`), or the default name. */
  consensus: string;
  /** Open disagreements in all. */
  total: number;
  /** Each code with open disagreements, in the walk's order. */
  codes: DisagreementCount[];
  /** The page: `items` from position `offset` (in the whole order, or within `code`). */
  offset: number;
  items: DisagreementInfo[];
  /** Disagreements already settled (in .qda/consensus/<A>+<B>.jsonl). */
  settled: number;
  error?: string;
}
export const disagreementsRequest = new RequestType<DisagreementsParams, DisagreementsResult, void>('qda/disagreements');

export interface DisagreementStepParams {
  a: string;
  b: string;
  /** The key of the place to step from; absent: from before the first (step 1 is the first, -1 the last). */
  from?: string;
  /**
   * 1: next, -1: previous (both wrap around), 0: the place itself. From a place no longer open
   * (settled, or its codings changed), 1 is the first disagreement after it and 0 gives no item.
   */
  step: number;
}
export interface DisagreementStepResult {
  /** The disagreement stepped to, or null (none open, or step 0 from a place no longer open). */
  item: DisagreementInfo | null;
  /** Its position in the walk's order (for step 0 from a closed place: where it stood). */
  index: number;
  total: number;
}
/** Next / previous disagreement, answered by position in the comparison the server keeps. */
export const disagreementStepRequest = new RequestType<DisagreementStepParams, DisagreementStepResult, void>('qda/disagreementStep');

export interface AgreementSummaryResult {
  /** Agreement by turn over the transcripts both coded: percent and Cohen's kappa (null when undefined). */
  percent: number | null;
  kappa: number | null;
  /** Markdown table per code, worst first, for the agreement summary. */
  summaryMarkdown: string;
  error?: string;
}
/** The agreement figures of the Compare Coders view, asked for after its first page. */
export const agreementSummaryRequest = new RequestType<{ a: string; b: string }, AgreementSummaryResult, void>('qda/agreementSummary');

export interface SettleDisagreementParams extends FromEditor {
  a: string;
  b: string;
  key: string;
  decision: 'keepA' | 'keepB' | 'keepBoth' | 'drop';
  /** Whose codings files get the result: the consensus coder, or a or b. */
  target: string;
}
export const settleDisagreementRequest = new RequestType<SettleDisagreementParams, EditResult, void>('qda/settleDisagreement');

// ---- Framework matrix (issue 17) -----------------------------------------------------------

export interface MatrixParams {
  rows: 'themes' | 'groups' | 'codes';
  /** 'informants' or the name of an informant attribute in qda.yaml. */
  cols: string;
  count: 'codings' | 'informants' | 'words';
  /** Restrict to one coder ('' or absent: all coders). */
  coder?: string;
  /** The view's mode: counts with heat shading (default), or summaries (qda/framework). */
  mode?: 'counts' | 'framework';
}

export interface MatrixResult {
  columns: string[];
  rows: Array<{ name: string; kind: 'theme' | 'group' | 'code'; depth: number; cells: Record<string, number>; total: number }>;
  /** Attribute names the columns can be (from qda.yaml's informants). */
  attributes: string[];
  coders: string[];
  error?: string;
}
export const matrixRequest = new RequestType<MatrixParams, MatrixResult, void>('qda/matrix');

export interface MatrixCellParams extends MatrixParams {
  row: string;
  kind: 'theme' | 'group' | 'code';
  /** A column name, or '' for the whole row. */
  column: string;
}

export interface MatrixCellSegment {
  uri: string;
  range: Range;
  code: string;
  coder: string;
  informant: string | null;
  text: string;
}
export const matrixCellRequest = new RequestType<MatrixCellParams, MatrixCellSegment[], void>('qda/matrixCell');

/** Framework mode (issue 17.2): the matrix with a short summary per cell (features/framework.ts). */
export interface FrameworkCell {
  /** The analyst's note for the cell (framework.md), whole. */
  note?: string;
  /** The cell's first segment, shortened (~160 characters), and its informant. */
  summary?: string;
  informant?: string;
}
export interface FrameworkResult extends MatrixResult {
  /** One entry per row of `rows` (same order): the cells that have a note or a segment, by column. */
  cells: Array<Record<string, FrameworkCell>>;
  /** framework.md (qda.yaml `framework:`), where the notes live. */
  uri: string;
}
export const frameworkRequest = new RequestType<MatrixParams, FrameworkResult, void>('qda/framework');

export interface FrameworkNoteParams {
  row: string;
  column: string;
  /** The note's new text; absent: only make its headings exist (to open the file there). */
  text?: string;
}
export interface FrameworkNoteResult extends EditResult {
  /** framework.md, and where the note's body starts once the edit is applied. */
  uri: string;
  position: Position;
}
/** "Edit note…" on a matrix cell: a WorkspaceEdit of framework.md (a file the user reads). */
export const frameworkNoteRequest = new RequestType<FrameworkNoteParams, FrameworkNoteResult, void>('qda/frameworkNote');

// ---- Coded Segments view (issue 17.1) ----------------------------------------------------------

/** Which segments to list: a query, or code/theme names, or a matrix cell; then the filters. */
export interface CodedSegmentsParams {
  /** A query in the language of `qda query` ("Tid og kø" AND NOT Ledelse). */
  query?: string;
  /** Code, group or theme names, any of them (no quoting needed, unlike a query). */
  names?: string[];
  /** The segments behind one cell of the framework matrix (its own options apply). */
  cell?: MatrixCellParams;
  /** Two codes that co-occur: the codings of each near one of the other (a co-occurrence cell). */
  both?: [string, string];
  /** A name stands for its child codes too (default true). */
  withChildren?: boolean;
  /** How near AND / NOT look: 'overlap' (default), 'turn', or a number of turns. */
  scope?: 'overlap' | 'turn' | number;
  coder?: string;
  informant?: string;
  /** 'NAME=VALUE': informants with that attribute value in qda.yaml. */
  attribute?: string;
  /** Only the segments of this transcript (its path in the project). */
  doc?: string;
  /** The most segments to send (the count is always complete); default 2000. */
  limit?: number;
}

export interface CodedSegment {
  uri: string;
  range: Range;
  /** The transcript's path in the project. */
  doc: string;
  /** 1-based line of the start. */
  line: number;
  code: string;
  theme: string;
  group: string;
  coder: string;
  informant: string | null;
  attributes: Record<string, string>;
  text: string;
}

export interface CodedSegmentsResult {
  segments: CodedSegment[];
  /** How many segments the query selects (may exceed segments.length when limited). */
  total: number;
  coders: string[];
  informants: string[];
  /** 'NAME=VALUE' for every attribute value in qda.yaml. */
  attributeValues: string[];
  /** The transcripts that have codings (paths in the project), for the transcript filter. */
  docs: string[];
  /** Themes, groups and codes in codebook order, for the query builder. */
  names: Array<{ name: string; kind: 'theme' | 'group' | 'code' }>;
  /** The saved queries of qda.yaml (`queries:`), by name. */
  saved: Array<{ name: string; query: string; scope?: 'overlap' | 'turn' | number }>;
  /** A query that could not be read, or a name that is not in the codebook. */
  error?: string;
}
export const codedSegmentsRequest = new RequestType<CodedSegmentsParams, CodedSegmentsResult, void>('qda/codedSegments');

// ---- Charts (issue 17.4) -----------------------------------------------------------------------

export interface ChartParams {
  /** bars: a bar per row stacked by column; informants: a bar per column; cooccurrence: the heat map. */
  chart: 'bars' | 'informants' | 'cooccurrence';
  rows: 'themes' | 'groups' | 'codes';
  cols: string;
  count: 'codings' | 'informants' | 'words';
  coder?: string;
  measure?: 'overlapping' | 'sameTurn';
  /**
   * How many the chart shows (default 30; 0 for all): the heat map's codes with the most
   * co-occurrences, or the bar charts' rows with the longest bars, the rest summed as "Other".
   */
  top?: number;
  /** The chart's title and axis unit, in the UI's language. */
  title?: string;
  unit?: string;
  /** 'none' (default): colour classes only, the webview maps them to the theme; 'light'/'dark' for a file. */
  theme?: 'none' | 'light' | 'dark';
}

export interface ChartResult {
  svg: string;
  attributes: string[];
  coders: string[];
  /** For the co-occurrence table: pairs with a count, most first (at most 500). */
  pairs?: Array<{ a: string; b: string; overlapping: number; sameTurn: number }>;
  error?: string;
}
export const chartRequest = new RequestType<ChartParams, ChartResult, void>('qda/chart');

// ---- Excel exports from the views (issue 17.2, 17.5) -------------------------------------------

export type AnalysisXlsxParams = { kind: 'matrix'; matrix: MatrixParams; /** The summaries and notes in the cells (framework mode). */ framework?: boolean } | { kind: 'segments'; segments: CodedSegmentsParams };
export interface AnalysisXlsxResult {
  /** The .xlsx file, base64. */
  data?: string;
  error?: string;
}
export const analysisXlsxRequest = new RequestType<AnalysisXlsxParams, AnalysisXlsxResult, void>('qda/analysisXlsx');

/** "Save as Word…" in the Coded Segments view (issue 17.5): the segment table as a .docx, base64 in `data`. */
export interface SegmentsDocxParams {
  segments: CodedSegmentsParams;
  /** The document's title (what the list is of, in the UI's language). */
  title?: string;
}
export const segmentsDocxRequest = new RequestType<SegmentsDocxParams, AnalysisXlsxResult, void>('qda/segmentsDocx');

/** "Save query…" in the Coded Segments view: an edit of qda.yaml's `queries:` that keeps its comments. */
export interface SaveQueryParams {
  name: string;
  query: string;
  scope?: 'overlap' | 'turn' | number;
}
export const saveQueryRequest = new RequestType<SaveQueryParams, EditResult, void>('qda/saveQuery');
// ---- REFI-QDA exchange: .qdpx projects and .qdc codebooks (issue 19) ---------------------

export interface RefiExportParams {
  format: 'qdpx' | 'qdc';
}
export interface RefiExportResult {
  /** A file name to offer in the save dialog. */
  fileName: string;
  /** The archive (.qdpx) or the XML (.qdc), base64. */
  base64?: string;
  counts?: { sources: number; codes: number; selections: number; users: number; cases: number; notes: number };
  /** What was left out or changed (a coding that could not be anchored, a code defined twice), one sentence each. */
  warnings?: string[];
  error?: string;
}
/** The project (.qdpx) or its codebook (.qdc) as REFI-QDA bytes; the client saves them where the user says. */
export const refiExportRequest = new RequestType<RefiExportParams, RefiExportResult, void>('qda/refiExport');

export interface RefiImportParams {
  /** file: URI of the .qdpx or .qdc. */
  file: string;
  /** .qdpx: file: URI of the new project folder (absent or empty). */
  target?: string;
  /** .qdc: a name the codebook has is skipped (merge, the default), imported renamed, or the .qdc replaces the codebook. */
  mode?: 'merge' | 'rename' | 'replace';
}
export interface RefiImportPreview {
  kind: 'qdpx' | 'qdc';
  /** The import is refused (untrusted archive, not REFI, target not empty…); nothing is written. */
  error?: string;
  /** .qdpx: the files of the new project, project-relative. */
  create: string[];
  counts?: { transcripts: number; codes: number; codings: number; memos: number; informants: number };
  /** .qdc: names of codes and categories the codebook gets. */
  added: string[];
  /** .qdc replace: names the .qdc defines again (its description and place win). */
  replaced: string[];
  /** .qdc replace: codes the .qdc lacks that codings still name, kept; one sentence each. */
  kept: string[];
  /** .qdc replace: codes and categories removed (no coding names them). */
  removed: string[];
  /** What is not imported, or imported renamed, each naming the element and its GUID. */
  skipped: string[];
}
/** Reads and converts without writing anything: what the import would create, merge and skip. */
export const refiImportPreviewRequest = new RequestType<RefiImportParams, RefiImportPreview, void>('qda/refiImportPreview');

export interface RefiImportResult extends EditResult {
  preview: RefiImportPreview;
  /** .qdpx: the folder written (file: URI). A .qdc comes back as `edit` (codebook.md, qda.yaml). */
  folder?: string;
}
export const refiImportRequest = new RequestType<RefiImportParams, RefiImportResult, void>('qda/refiImport');
// ---- Review: comments, threads and review status (issue 20) -------------------------------

export type ReviewStatusName = 'proposed' | 'needs-work' | 'agreed';

export interface ReviewStatusInfo {
  status: ReviewStatusName;
  by?: string;
  at?: string;
  /** Why it is not the status set: the definition changed after it was agreed. */
  note?: string;
  /** Open comment threads on the item. */
  openThreads: number;
}

export interface ReviewCommentInfo {
  id: string;
  author: string;
  at: string;
  body: string;
  editedAt?: string;
}

export interface ReviewThreadInfo {
  id: string;
  /** The codebook item the thread is on (theme, group or code), if it is on one. */
  item?: string;
  /** Where it shows: the item's name in codebook.md, or the passage. */
  location?: Location;
  /** A passage that could not be found again, or an item no longer in the codebook. */
  orphaned: boolean;
  /** "Kundeinnsikt" or "transcripts/FL1.md:12". */
  label: string;
  /** The theme it is grouped under in the Review view ('' when none). */
  theme: string;
  resolved: boolean;
  resolvedBy?: string;
  comments: ReviewCommentInfo[];
}

export interface ReviewStateResult {
  threads: ReviewThreadInfo[];
  /** Every theme, group and code of the codebook, by name. */
  status: Record<string, ReviewStatusInfo>;
  /** Who the server writes new comments as. */
  author: string;
}

export type ReviewActionParams =
  | { action: 'comment'; item: string; body: string }
  | { action: 'comment'; uri: string; range: Range; body: string }
  | { action: 'reply'; thread: string; body: string }
  | { action: 'edit'; comment: string; body: string }
  | { action: 'resolve' | 'reopen'; thread: string }
  | { action: 'status'; item: string; status: ReviewStatusName };

export interface ReviewActionResult {
  error?: string;
  /** The thread made or changed. */
  thread?: string;
}

export const reviewStateRequest = new RequestType<Record<string, never>, ReviewStateResult, void>('qda/reviewState');
export const reviewActionRequest = new RequestType<ReviewActionParams, ReviewActionResult, void>('qda/reviewAction');

export interface ExportThemeReportParams {
  format: 'html' | 'docx';
  /** At most this many segments per code (absent: all). */
  segmentsPerCode?: number;
}
export interface ExportThemeReportResult {
  fileName: string;
  text?: string;
  base64?: string;
  themes: number;
  codes: number;
  error?: string;
}
export const exportThemeReportRequest = new RequestType<ExportThemeReportParams, ExportThemeReportResult, void>('qda/exportThemeReport');
