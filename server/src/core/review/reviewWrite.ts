// Writing review events: each author appends to their own log (never to anyone else's), with
// an atomic write that keeps every byte already in the file. The one exception is a rename of
// a codebook item: the threads and statuses on it follow the new name in every log, as the
// codings do.
import type { FileSystem } from '../model/fs';
import { normalizeName } from '../text/text';
import {
  REVIEWS_DIR,
  formatReviewEvent,
  isReviewsPath,
  newReviewId,
  parseReviewFile,
  reviewsFileOf,
  type ReviewEvent,
  type ReviewFile,
  type ReviewStatus,
  type ReviewTarget,
} from './reviewLog';
import { foldReviews, type ReviewState } from './reviewState';

export class ReviewWriteError extends Error {}

export async function loadReviewFiles(fs: FileSystem): Promise<ReviewFile[]> {
  const paths = (await fs.listFiles()).filter(isReviewsPath).sort();
  const files: ReviewFile[] = [];
  for (const path of paths) {
    const text = await fs.readText(path);
    if (text !== undefined) files.push(parseReviewFile(path, text));
  }
  return files;
}

export async function loadReviewState(fs: FileSystem): Promise<{ files: ReviewFile[]; state: ReviewState }> {
  const files = await loadReviewFiles(fs);
  return { files, state: foldReviews(files) };
}

/** The author's log with the events added at its end; refuses a log that could not be fully read. */
export function appendedText(file: ReviewFile | undefined, events: readonly ReviewEvent[]): string {
  if (file?.writeBlocked) throw new ReviewWriteError(file.writeBlocked);
  const before = file?.text ?? '';
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  return before + sep + events.map((e) => formatReviewEvent(e) + '\n').join('');
}

/** Reads the author's log again (it may have changed), appends, writes atomically. */
export async function appendReviewEvents(fs: FileSystem, author: string, events: readonly ReviewEvent[]): Promise<string> {
  const path = reviewsFileOf(author);
  const text = await fs.readText(path);
  const file = text === undefined ? undefined : parseReviewFile(path, text);
  await fs.writeAtomic(path, appendedText(file, events));
  return path;
}

export interface NewEventContext {
  author: string;
  now?: Date;
}

function stamp(ctx: NewEventContext): { id: string; author: string; at: string } {
  const now = ctx.now ?? new Date();
  return { id: newReviewId(now), author: ctx.author, at: now.toISOString() };
}

export function newThreadEvent(ctx: NewEventContext, on: ReviewTarget, body: string): ReviewEvent {
  const s = stamp(ctx);
  return { kind: 'comment', id: s.id, thread: s.id, on, author: s.author, at: s.at, body };
}

export function replyEvent(ctx: NewEventContext, thread: string, body: string): ReviewEvent {
  const s = stamp(ctx);
  return { kind: 'comment', id: s.id, thread, author: s.author, at: s.at, body };
}

export function editEvent(ctx: NewEventContext, comment: string, body: string): ReviewEvent {
  const s = stamp(ctx);
  return { kind: 'edit', id: s.id, comment, author: s.author, at: s.at, body };
}

export function resolveEvent(ctx: NewEventContext, thread: string, resolved: boolean, definition?: string): ReviewEvent {
  const s = stamp(ctx);
  return { kind: resolved ? 'resolve' : 'reopen', id: s.id, thread, author: s.author, at: s.at, definition };
}

export function statusEvent(ctx: NewEventContext, item: string, status: ReviewStatus, definition?: string): ReviewEvent {
  const s = stamp(ctx);
  return { kind: 'status', id: s.id, item, status, author: s.author, at: s.at, definition: status === 'agreed' ? definition : undefined };
}

export interface ReviewRename {
  /** New texts of the logs that mention the item. */
  edits: Array<{ path: string; text: string }>;
  /** Logs that mention it but cannot be rewritten (malformed line, conflict markers). */
  blocked: string[];
}

/**
 * The logs with every thread and status on `oldName` moved to `newName` (a code, group or theme
 * renamed). Only the name changes in each line; unknown keys, key order and every other line
 * stay as they are.
 */
export function renameReviewItem(files: readonly ReviewFile[], oldName: string, newName: string): ReviewRename {
  const key = normalizeName(oldName);
  const edits: ReviewRename['edits'] = [];
  const blocked: string[] = [];
  for (const f of files) {
    const hits = f.lines.filter((l) => itemOf(l.event) !== undefined && normalizeName(itemOf(l.event)!) === key);
    if (hits.length === 0) continue;
    if (f.writeBlocked) {
      blocked.push(f.writeBlocked);
      continue;
    }
    const replaced = new Map<number, string>();
    for (const h of hits) {
      const o = JSON.parse(h.raw) as Record<string, unknown>;
      if (h.event.kind === 'status') o.item = newName;
      else (o.on as Record<string, unknown>).item = newName;
      replaced.set(h.line, JSON.stringify(o));
    }
    const lines = f.text.split('\n');
    for (const [n, text] of replaced) lines[n] = lines[n].endsWith('\r') ? text + '\r' : text;
    edits.push({ path: f.path, text: lines.join('\n') });
  }
  return { edits, blocked };
}

function itemOf(e: ReviewEvent): string | undefined {
  if (e.kind === 'status') return e.item;
  if (e.kind === 'comment' && e.on && 'item' in e.on) return e.on.item;
  return undefined;
}

export { REVIEWS_DIR };
