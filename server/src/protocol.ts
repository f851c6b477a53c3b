// Every custom request and notification between the extension and the server, in one file.
// The client imports this file too; it must stay free of vscode and server-only imports.
import { NotificationType, RequestType, type Range, type WorkspaceEdit, type Location } from 'vscode-languageserver-protocol';

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

export interface CodeSelectionParams {
  uri: string;
  range: Range;
  code: string;
  /** Create the code in the codebook when it does not exist (appended under the uncategorised section). */
  create?: boolean;
}
export interface EditResult {
  edit?: WorkspaceEdit;
  /** Set when the operation was refused; a message for the user, naming file and line. */
  error?: string;
  /** Files the client should save after applying the edit (the server's own files). */
  save?: string[];
  message?: string;
}
export const codeSelectionRequest = new RequestType<CodeSelectionParams, EditResult & { id?: string }, void>('qda/codeSelection');

export interface UncodeSelectionParams {
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
}
