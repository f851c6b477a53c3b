// Review comments and review status, stored as plain text in git: one append-only log per
// author, `.qda/reviews/<author>.jsonl`, one JSON object (an event) per line. Two co-authors
// who comment on different branches each add lines to their own file, so the merge has no
// conflict; the state (threads, replies, resolved or not, each item's status) is the fold of
// every author's events in time order.
//
// Events (unknown keys are kept, and so is a line that does not parse — it is reported with
// its line number, and the file is not appended to until it is fixed):
//   {"kind":"comment","id":"r…","thread":"r…","on":{"item":"Kundeinnsikt"},"author":"anna","at":"…","body":"…"}
//       the first comment of a thread carries `on` and has thread = its own id; a reply has
//       the thread's id and no `on`. `on` is a codebook item (theme, group or code, by name)
//       or a passage {"doc","start","end","exact","prefix","suffix"} anchored like a coding.
//   {"kind":"edit","id":"r…","comment":"r…","author","at","body"}       a comment's new text
//   {"kind":"resolve"|"reopen","id":"r…","thread":"r…","author","at"}   (resolve may carry
//       `definition`: the item's definition when its last open thread was resolved)
//   {"kind":"status","id":"r…","item":"Kundeinnsikt","status":"agreed","author","at",
//       "definition":"…"}  — `definition` is recorded with "agreed" so that a later change of
//       the code's definition sends it back to "needs-work".
import type { QdaDiagnostic } from '../model/model';
import { CONFLICT_MARKER, forEachJsonLine } from '../text/jsonLines';
import * as l10n from '../text/l10n';

export const REVIEWS_DIR = '.qda/reviews/';

export type ReviewStatus = 'proposed' | 'needs-work' | 'agreed';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['proposed', 'needs-work', 'agreed'];

export interface PassageTarget {
  doc: string;
  start: number;
  end: number;
  exact: string;
  prefix: string;
  suffix: string;
}
export type ReviewTarget = { item: string } | PassageTarget;

export type ReviewEvent =
  | { kind: 'comment'; id: string; thread: string; on?: ReviewTarget; author: string; at: string; body: string }
  | { kind: 'edit'; id: string; comment: string; author: string; at: string; body: string }
  | { kind: 'resolve' | 'reopen'; id: string; thread: string; author: string; at: string; definition?: string }
  | { kind: 'status'; id: string; item: string; status: ReviewStatus; author: string; at: string; definition?: string };

export interface ReviewLine {
  event: ReviewEvent;
  /** The line as it is in the file (unknown keys and key order kept when it is rewritten). */
  raw: string;
  /** 0-based line number. */
  line: number;
}

export interface ReviewFile {
  path: string;
  author: string;
  lines: ReviewLine[];
  diagnostics: QdaDiagnostic[];
  /** Why nothing may be appended to this file (a malformed line, git conflict markers). */
  writeBlocked?: string;
  /** The text as read, so an append keeps every byte of it. */
  text: string;
}

export function isReviewsPath(path: string): boolean {
  return path.startsWith(REVIEWS_DIR) && path.endsWith('.jsonl') && !path.slice(REVIEWS_DIR.length).includes('/');
}

export function reviewsFileOf(author: string): string {
  // The author's name becomes a file name: keep it readable, but never a path.
  const safe = author.normalize('NFC').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').trim() || 'reviewer';
  return `${REVIEWS_DIR}${safe}.jsonl`;
}

export function parseReviewFile(path: string, text: string): ReviewFile {
  const author = path.slice(REVIEWS_DIR.length).replace(/\.jsonl$/, '');
  const lines: ReviewLine[] = [];
  const diagnostics: QdaDiagnostic[] = [];
  let writeBlocked: string | undefined;
  forEachJsonLine(text, (raw, lineNo, start, end) => {
    const range = { start, end };
    if (CONFLICT_MARKER.test(raw)) {
      writeBlocked ??= l10n.t("{0} has git conflict markers (line {1}); resolve the merge first (keep both sides' lines)", path, lineNo + 1);
      diagnostics.push({ path, range, severity: 'error', code: 'qda.reviewConflict', message: l10n.t("Git conflict marker on line {0}: keep both sides' lines (each line is one review event).", lineNo + 1) });
      return;
    }
    const event = parseReviewEvent(raw);
    if (typeof event === 'string') {
      writeBlocked ??= l10n.t('{0} line {1} is not a valid review event ({2}); fix or delete it first', path, lineNo + 1, event);
      diagnostics.push({ path, range, severity: 'error', code: 'qda.reviewMalformed', message: l10n.t('Line {0} is not a valid review event: {1}. It is kept as it is.', lineNo + 1, event) });
    } else lines.push({ event, raw, line: lineNo });
  });
  return { path, author, lines, diagnostics, writeBlocked, text };
}

/** The event of one line, or why it is not one. */
export function parseReviewEvent(raw: string): ReviewEvent | string {
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch (err) {
    return (err as Error).message;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return l10n.t('not a JSON object');
  const r = o as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const id = str('id');
  const author = str('author');
  const at = str('at');
  if (!id || !author || !at) return l10n.t('id, author and at are required');
  switch (r.kind) {
    case 'comment': {
      const thread = str('thread');
      const body = str('body');
      if (!thread || body === undefined) return l10n.t('a comment needs thread and body');
      let on: ReviewTarget | undefined;
      if (r.on !== undefined) {
        on = parseTarget(r.on);
        if (!on) return l10n.t('on must be {"item": NAME} or a passage {doc, start, end, exact}');
      } else if (thread === id) return l10n.t('the first comment of a thread needs on');
      return { kind: 'comment', id, thread, on, author, at, body };
    }
    case 'edit': {
      const comment = str('comment');
      const body = str('body');
      if (!comment || body === undefined) return l10n.t('an edit needs comment and body');
      return { kind: 'edit', id, comment, author, at, body };
    }
    case 'resolve':
    case 'reopen': {
      const thread = str('thread');
      if (!thread) return r.kind === 'resolve' ? l10n.t('resolve needs thread') : l10n.t('reopen needs thread');
      return { kind: r.kind, id, thread, author, at, definition: str('definition') };
    }
    case 'status': {
      const item = str('item');
      const status = str('status');
      if (!item || !REVIEW_STATUSES.includes(status as ReviewStatus)) return l10n.t('a status needs item and status proposed|needs-work|agreed');
      return { kind: 'status', id, item, status: status as ReviewStatus, author, at, definition: str('definition') };
    }
    default:
      return l10n.t('unknown kind {0}', String(JSON.stringify(r.kind)));
  }
}

function parseTarget(v: unknown): ReviewTarget | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const t = v as Record<string, unknown>;
  if (typeof t.item === 'string' && t.item.trim() !== '') return { item: t.item };
  if (typeof t.doc === 'string' && Number.isInteger(t.start) && Number.isInteger(t.end) && typeof t.exact === 'string') {
    const start = t.start as number;
    const end = t.end as number;
    if (start < 0 || end < start) return undefined;
    return { doc: t.doc, start, end, exact: t.exact, prefix: typeof t.prefix === 'string' ? t.prefix : '', suffix: typeof t.suffix === 'string' ? t.suffix : '' };
  }
  return undefined;
}

/** The JSON line of a new event: known keys in a fixed order. */
export function formatReviewEvent(event: ReviewEvent): string {
  return JSON.stringify(event, (_k, v) => (v === undefined ? undefined : v));
}

/** A new event id: time-ordered, random enough that two authors never collide. */
export function newReviewId(now: Date = new Date()): string {
  return 'r' + now.getTime().toString(36) + Math.random().toString(36).slice(2, 8);
}
