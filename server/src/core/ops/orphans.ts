// Orphaned codings (their text is gone from the transcript) and fuzzy re-attachments to
// review: listed, re-attached to a passage the analyst chooses, accepted, or deleted on
// purpose. Nothing here drops a coding on its own.
import * as l10n from '../text/l10n';
import type { Coding } from '../model/model';
import type { CodingInfo, Project } from '../project/project';
import type { FileEdit, OperationResult } from '../model/edits';
import { removeCodingEdits, replaceCodingEdits, type CodingsFile } from '../parse/codings';
import { makeQuoteSelector } from '../anchoring';
import { trimRange } from './operations';

export interface ReviewItem {
  info: CodingInfo;
  kind: 'orphan' | 'fuzzy';
}

/** Orphans first, then fuzzy matches, each in document order. */
export function codingsToReview(project: Project): ReviewItem[] {
  const out: ReviewItem[] = [];
  for (const info of project.allCodings()) {
    if (!info.anchored) out.push({ info, kind: 'orphan' });
    else if (info.status === 'fuzzy' || info.coding.extra?.review === 'fuzzy') out.push({ info, kind: 'fuzzy' });
  }
  const order = (i: ReviewItem): string => `${i.kind === 'orphan' ? 0 : 1}\u0000${i.info.coding.doc}\u0000${String(i.info.coding.start).padStart(12, '0')}`;
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** The codings file holding a coding, if it may be rewritten; else the refusal. */
function writableFileOf(project: Project, id: string): CodingsFile | OperationResult {
  const info = project.codingById(id);
  if (!info) return { edits: [], error: l10n.t('There is no coding {0}.', id) };
  const file = project.codingsFiles.get(info.file);
  if (!file) return { edits: [], error: l10n.t('The codings file of {0} is gone.', id) };
  if (file.writeBlocked) return { edits: [], error: l10n.t('Not changed: {0}.', file.writeBlocked) };
  return file;
}

function rewriteCoding(project: Project, id: string, change: (c: Coding) => Coding): OperationResult {
  const file = writableFileOf(project, id);
  if ('edits' in file) return file;
  const edits = replaceCodingEdits(file, (c) => (c.id === id ? change(c) : undefined));
  const fe: FileEdit = { path: file.path, edits };
  return { edits: [fe], codingId: id };
}

/** The coding without the "review" flag a fuzzy re-attachment wrote. */
function withoutReview(c: Coding): Coding {
  if (!c.extra || !('review' in c.extra)) return c;
  const { review: _review, ...rest } = c.extra;
  const next: Coding = { ...c, extra: rest };
  if (Object.keys(rest).length === 0) delete next.extra;
  return next;
}

/** Attaches a coding to a new passage (any transcript), refreshing its quote selector. */
export function reattachCoding(project: Project, id: string, doc: string, rawStart: number, rawEnd: number): OperationResult {
  const text = project.texts.get(doc);
  if (text === undefined || project.roleOf(doc) !== 'transcript') return { edits: [], error: l10n.t('{0} is not a transcript of this project.', doc) };
  const [start, end] = trimRange(text, rawStart, rawEnd);
  if (start >= end) return { edits: [], error: l10n.t('Select the passage to attach the coding to.') };
  return rewriteCoding(project, id, (c) => withoutReview({ ...c, doc, start, end, ...makeQuoteSelector(text, start, end) }));
}

/** The analyst checked a fuzzy re-attachment: the review flag goes, the offsets stay. */
export function acceptCoding(project: Project, id: string): OperationResult {
  const info = project.codingById(id);
  if (!info) return { edits: [], error: l10n.t('There is no coding {0}.', id) };
  const placed = info.coding;
  return rewriteCoding(project, id, (c) => withoutReview({ ...c, start: placed.start, end: placed.end, exact: placed.exact, prefix: placed.prefix, suffix: placed.suffix }));
}

/** Deletes one coding on purpose (the client confirms first). */
export function deleteCoding(project: Project, id: string): OperationResult {
  const file = writableFileOf(project, id);
  if ('edits' in file) return file;
  return { edits: [{ path: file.path, edits: removeCodingEdits(file, project.texts.get(file.path) ?? '', new Set([id])) }], removed: 1 };
}
