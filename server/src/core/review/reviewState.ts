// The review state: every author's log folded in time order into threads (with replies,
// edits, resolved or open) and each codebook item's review status. Pure: the same files give
// the same state on every machine, whatever order git merged the lines in.
import type { QdaDiagnostic } from '../model/model';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import type { ReviewEvent, ReviewFile, ReviewStatus, ReviewTarget } from './reviewLog';

export interface ReviewComment {
  id: string;
  author: string;
  at: string;
  body: string;
  /** When its author last edited it. */
  editedAt?: string;
}

export interface ReviewThread {
  id: string;
  on: ReviewTarget;
  comments: ReviewComment[];
  resolved: boolean;
  resolvedBy?: string;
  resolvedAt?: string;
  /** The newest event of the thread. */
  lastAt: string;
}

export interface ItemReviewStatus {
  status: ReviewStatus;
  /** Who set it and when (absent for an item never reviewed: "proposed"). */
  by?: string;
  at?: string;
  /** Why the status is not the one set: "the definition changed after it was agreed …". */
  note?: string;
}

interface StatusRecord {
  item: string;
  status: ReviewStatus;
  by: string;
  at: string;
  definition?: string;
}

export interface ReviewState {
  threads: ReviewThread[];
  /** Status set per item (normalised name) — read it through itemStatus(). */
  statusRecords: Map<string, StatusRecord>;
  diagnostics: QdaDiagnostic[];
}

interface Located {
  event: ReviewEvent;
  path: string;
  line: number;
}

/** Events of every file in one deterministic order: time, then author, then id. */
function ordered(files: readonly ReviewFile[]): Located[] {
  const all: Located[] = [];
  for (const f of files) for (const l of f.lines) all.push({ event: l.event, path: f.path, line: l.line });
  return all.sort((a, b) => cmp(a.event.at, b.event.at) || cmp(a.event.author, b.event.author) || cmp(a.event.id, b.event.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function foldReviews(files: readonly ReviewFile[]): ReviewState {
  const diagnostics: QdaDiagnostic[] = files.flatMap((f) => f.diagnostics);
  const threads = new Map<string, ReviewThread>();
  const comments = new Map<string, ReviewComment>();
  const statusRecords = new Map<string, StatusRecord>();
  const warn = (l: Located, message: string): void => {
    diagnostics.push({ path: l.path, range: { start: 0, end: 0 }, severity: 'warning', code: 'qda.reviewDangling', message: l10n.t('Line {0}: {1}. The line is kept.', l.line + 1, message) });
  };
  for (const l of ordered(files)) {
    const e = l.event;
    switch (e.kind) {
      case 'comment': {
        const comment: ReviewComment = { id: e.id, author: e.author, at: e.at, body: e.body };
        if (e.thread === e.id) {
          if (threads.has(e.id)) {
            warn(l, l10n.t('thread {0} is started twice', e.id));
            break;
          }
          threads.set(e.id, { id: e.id, on: e.on!, comments: [comment], resolved: false, lastAt: e.at });
        } else {
          const t = threads.get(e.thread);
          if (!t) {
            warn(l, l10n.t('a reply to thread {0}, which is in no review file (not merged yet?)', e.thread));
            break;
          }
          t.comments.push(comment);
          t.lastAt = e.at;
        }
        comments.set(e.id, comment);
        break;
      }
      case 'edit': {
        const c = comments.get(e.comment);
        if (!c) warn(l, l10n.t('an edit of comment {0}, which is in no review file', e.comment));
        else if (c.author !== e.author) warn(l, l10n.t("{0} may not edit {1}'s comment", e.author, c.author));
        else {
          c.body = e.body;
          c.editedAt = e.at;
        }
        break;
      }
      case 'resolve':
      case 'reopen': {
        const t = threads.get(e.thread);
        if (!t) {
          warn(l, e.kind === 'resolve' ? l10n.t('resolve of thread {0}, which is in no review file', e.thread) : l10n.t('reopen of thread {0}, which is in no review file', e.thread));
          break;
        }
        t.resolved = e.kind === 'resolve';
        t.resolvedBy = t.resolved ? e.author : undefined;
        t.resolvedAt = t.resolved ? e.at : undefined;
        t.lastAt = e.at;
        // Resolving the last open thread on an item signs the item off.
        if (t.resolved && 'item' in t.on) {
          const key = normalizeName(t.on.item);
          const stillOpen = [...threads.values()].some((o) => !o.resolved && 'item' in o.on && normalizeName(o.on.item) === key);
          if (!stillOpen) statusRecords.set(key, { item: t.on.item, status: 'agreed', by: e.author, at: e.at, definition: e.definition });
        }
        break;
      }
      case 'status':
        statusRecords.set(normalizeName(e.item), { item: e.item, status: e.status, by: e.author, at: e.at, definition: e.definition });
        break;
    }
  }
  return { threads: [...threads.values()], statusRecords, diagnostics };
}

/**
 * An item's status as the reviewers see it. `definition` is the item's description now: an
 * item agreed with another definition is back to "needs-work", with a note of what changed.
 */
export function itemStatus(state: ReviewState, item: string, definition?: string): ItemReviewStatus {
  const r = state.statusRecords.get(normalizeName(item));
  if (!r) return { status: 'proposed' };
  if (r.status === 'agreed' && r.definition !== undefined && definition !== undefined && squash(r.definition) !== squash(definition)) {
    return { status: 'needs-work', by: r.by, at: r.at, note: `the definition changed after ${r.by} agreed it (${r.at.slice(0, 10)}); it was: ${r.definition.trim() || '(empty)'}` };
  }
  return { status: r.status, by: r.by, at: r.at };
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Open threads first (newest activity first), then resolved ones. */
export function sortedThreads(state: ReviewState): ReviewThread[] {
  return [...state.threads].sort((a, b) => Number(a.resolved) - Number(b.resolved) || cmp(b.lastAt, a.lastAt) || cmp(a.id, b.id));
}

/** What a thread is on, for a list: the item's name or "transcripts/FL1.md:12". */
export function targetLabel(on: ReviewTarget, lineOf?: (doc: string, offset: number) => number): string {
  if ('item' in on) return on.item;
  return lineOf ? `${on.doc}:${lineOf(on.doc, on.start) + 1}` : on.doc;
}
