// qda/reviewState and qda/reviewAction: review comment threads and review statuses (issue 20)
// over core/review. The server owns the logs in .qda/reviews/: it appends the current coder's
// events itself (atomically), re-reads the logs when they change on disk (git pull, another
// co-author's commit), and moves threads along when a code, group or theme is renamed.
import type { Location } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import * as l10n from '../core/text/l10n';
import type { ExportThemeReportParams, ExportThemeReportResult, ReviewActionParams, ReviewActionResult, ReviewStateResult, ReviewStatusInfo, ReviewThreadInfo } from '../protocol';
import { isReviewsPath, type PassageTarget, type ReviewEvent, type ReviewFile } from '../core/review/reviewLog';
import { foldReviews, itemStatus, sortedThreads, type ReviewState } from '../core/review/reviewState';
import { appendReviewEvents, editEvent, loadReviewFiles, newThreadEvent, renameReviewItem, replyEvent, resolveEvent, ReviewWriteError, statusEvent } from '../core/review/reviewWrite';
import { reviewItems, type ReviewItems } from '../core/review/reviewItems';
import { makeQuoteSelector, reanchor } from '../core/anchoring';
import { normalizeName } from '../core/text/text';
import { themeReport } from '../core/review/themeReport';
import { themeReportHtml } from '../core/review/themeReportHtml';
import { themeReportDocx } from '../core/review/themeReportDocx';

class ReviewStore {
  private loading: Promise<{ files: ReviewFile[]; state: ReviewState }> | undefined;
  constructor(private readonly ws: ServerWorkspace) {}
  get(): Promise<{ files: ReviewFile[]; state: ReviewState }> {
    this.loading ??= loadReviewFiles(this.ws.project.fs).then((files) => ({ files, state: foldReviews(files) }));
    return this.loading;
  }
  invalidate(): void {
    this.loading = undefined;
  }
}

const stores = new WeakMap<ServerWorkspace, ReviewStore>();
function store(ws: ServerWorkspace): ReviewStore {
  let s = stores.get(ws);
  if (!s) stores.set(ws, (s = new ReviewStore(ws)));
  return s;
}

/** A file changed on disk: whether it was a review log (the client then refreshes its threads). */
export function reviewFileChanged(ws: ServerWorkspace, path: string): boolean {
  if (!isReviewsPath(path)) return false;
  store(ws).invalidate();
  return true;
}

/** Review status of every theme, group and code, for the Codebook tree. */
export async function reviewStatuses(ws: ServerWorkspace): Promise<Map<string, ReviewStatusInfo>> {
  const { state } = await store(ws).get();
  return statusMap(state, reviewItems(ws.project.codebook));
}

function statusMap(state: ReviewState, items: ReviewItems): Map<string, ReviewStatusInfo> {
  const open = new Map<string, number>();
  for (const t of state.threads) if (!t.resolved && 'item' in t.on) open.set(normalizeName(t.on.item), (open.get(normalizeName(t.on.item)) ?? 0) + 1);
  const out = new Map<string, ReviewStatusInfo>();
  for (const item of items.values()) out.set(normalizeName(item.name), { ...itemStatus(state, item.name, item.definition), openThreads: open.get(normalizeName(item.name)) ?? 0 });
  return out;
}

export async function reviewState(ws: ServerWorkspace): Promise<ReviewStateResult> {
  const project = ws.project;
  const { state } = await store(ws).get();
  const items = reviewItems(project.codebook);
  const codebookUri = ws.uriOf(project.codebook.path);
  const themeOfItem = (name: string): string => {
    const item = items.get(name);
    return item ? (item.kind === 'theme' ? item.name : (item.path[0] ?? '')) : '';
  };
  const threads: ReviewThreadInfo[] = sortedThreads(state).map((t) => {
    const base = { id: t.id, resolved: t.resolved, resolvedBy: t.resolvedBy, comments: t.comments.map((c) => ({ id: c.id, author: c.author, at: c.at, body: c.body, editedAt: c.editedAt })) };
    if ('item' in t.on) {
      const code = project.findCode(t.on.item);
      const category = code ? undefined : project.findCategory(t.on.item);
      const range = code?.nameRange ?? category?.nameRange;
      const location: Location | undefined = range ? { uri: codebookUri, range: ws.toRange(project.codebook.path, range) } : undefined;
      return { ...base, item: code?.name ?? category?.name ?? t.on.item, location, orphaned: !location, label: code?.name ?? category?.name ?? t.on.item, theme: themeOfItem(t.on.item) };
    }
    const placed = placePassage(ws, t.on);
    const line = placed ? ws.toPosition(t.on.doc, placed.start).line + 1 : undefined;
    return {
      ...base,
      location: placed ? { uri: ws.uriOf(t.on.doc), range: ws.toRange(t.on.doc, placed) } : undefined,
      orphaned: !placed,
      label: line ? `${t.on.doc}:${line}` : t.on.doc,
      theme: placed ? themeOfPassage(ws, t.on.doc, placed.start, placed.end, themeOfItem) : '',
    };
  });
  const status: Record<string, ReviewStatusInfo> = {};
  const byKey = statusMap(state, items);
  for (const item of items.values()) status[item.name] = byKey.get(normalizeName(item.name))!;
  return { threads, status, author: project.coder };
}

/** Where a passage comment is now: its offsets if the text is still there, else found again by quote and context. */
function placePassage(ws: ServerWorkspace, on: PassageTarget): { start: number; end: number } | undefined {
  const text = ws.project.textOf(on.doc);
  if (text === undefined) return undefined;
  const [r] = reanchor([{ id: 'review', doc: on.doc, start: on.start, end: on.end, code: '', exact: on.exact, prefix: on.prefix, suffix: on.suffix, coder: '', at: '' }], text);
  return r.status === 'orphaned' ? undefined : { start: r.coding.start, end: r.coding.end };
}

/** The theme of the first code coded on the passage (a comment on a coded segment belongs with its code). */
function themeOfPassage(ws: ServerWorkspace, doc: string, start: number, end: number, themeOfItem: (name: string) => string): string {
  for (const info of ws.project.codingsOfDoc(doc)) {
    if (info.coding.start < end && info.coding.end > start) {
      const theme = themeOfItem(info.coding.code);
      if (theme) return theme;
    }
  }
  return '';
}

export async function reviewAction(ws: ServerWorkspace, p: ReviewActionParams): Promise<ReviewActionResult> {
  const project = ws.project;
  const ctx = { author: project.coder };
  const { state } = await store(ws).get();
  const items = reviewItems(project.codebook);
  const thread = (id: string) => state.threads.find((t) => t.id === id);
  let event: ReviewEvent;
  switch (p.action) {
    case 'comment': {
      if ('item' in p) {
        const item = items.get(p.item);
        if (!item) return { error: l10n.t("There is no theme, group or code named '{0}' in {1}.", p.item, project.codebook.path) };
        event = newThreadEvent(ctx, { item: item.name }, p.body);
        break;
      }
      const path = ws.pathOf(p.uri);
      if (!path) return { error: l10n.t('The file is outside the project folder.') };
      // A comment on a theme, group or code name in codebook.md is a comment on that item.
      if (path === project.codebook.path) {
        const start = ws.toOffset(path, p.range.start);
        const named = [...project.codebook.codes.map((c) => ({ name: c.name, range: c.range })), ...project.codebook.categories.map((c) => ({ name: c.name, range: c.nameRange }))].find(
          (x) => x.range.start <= start && start <= x.range.end && ws.toPosition(path, x.range.start).line === p.range.start.line,
        );
        if (named) {
          event = newThreadEvent(ctx, { item: named.name }, p.body);
          break;
        }
      }
      const text = project.textOf(path);
      if (text === undefined) return { error: l10n.t('{0} is not part of the project (transcripts, memos, chapters and the codebook can be commented on).', path) };
      const start = ws.toOffset(path, p.range.start);
      let end = ws.toOffset(path, p.range.end);
      // A comment made on a line without a selection is on that whole line.
      if (end <= start) end = text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start);
      event = newThreadEvent(ctx, { doc: path, start, end, ...makeQuoteSelector(text, start, end) }, p.body);
      break;
    }
    case 'reply':
      if (!thread(p.thread)) return { error: l10n.t('The comment thread {0} is gone.', p.thread) };
      event = replyEvent(ctx, p.thread, p.body);
      break;
    case 'edit': {
      const comment = state.threads.flatMap((t) => t.comments).find((c) => c.id === p.comment);
      if (!comment) return { error: l10n.t('The comment is gone.') };
      if (comment.author !== ctx.author) return { error: l10n.t('Only {0} can edit their comment.', comment.author) };
      event = editEvent(ctx, p.comment, p.body);
      break;
    }
    case 'resolve':
    case 'reopen': {
      const t = thread(p.thread);
      if (!t) return { error: l10n.t('The comment thread {0} is gone.', p.thread) };
      event = resolveEvent(ctx, t.id, p.action === 'resolve', 'item' in t.on ? items.get(t.on.item)?.definition : undefined);
      break;
    }
    case 'status': {
      const item = items.get(p.item);
      if (!item) return { error: l10n.t("There is no theme, group or code named '{0}' in {1}.", p.item, project.codebook.path) };
      event = statusEvent(ctx, item.name, p.status, item.definition);
      break;
    }
  }
  try {
    await appendReviewEvents(project.fs, ctx.author, [event]);
  } catch (err) {
    return { error: err instanceof ReviewWriteError ? err.message : l10n.t('The review could not be saved: {0}', (err as Error).message) };
  } finally {
    store(ws).invalidate();
  }
  return { thread: event.kind === 'comment' || event.kind === 'resolve' || event.kind === 'reopen' ? event.thread : undefined };
}

/**
 * A theme, group or code was renamed: its threads and statuses follow the new name in every
 * author's log. Written by the server (the logs are its files), right after the rename's edit
 * was computed. Returns the logs it could not rewrite (a malformed line in them).
 */
export async function followRename(ws: ServerWorkspace, oldName: string, newName: string): Promise<string[]> {
  if (normalizeName(oldName) === normalizeName(newName) && oldName === newName) return [];
  const { files } = await store(ws).get();
  const { edits, blocked } = renameReviewItem(files, oldName, newName);
  try {
    for (const e of edits) await ws.project.fs.writeAtomic(e.path, e.text);
  } finally {
    if (edits.length) store(ws).invalidate();
  }
  return blocked;
}

/** The theme report for a supervisor: one HTML file or a Word document. */
export async function exportThemeReport(ws: ServerWorkspace, p: ExportThemeReportParams): Promise<ExportThemeReportResult> {
  try {
    const { state } = await store(ws).get();
    const report = themeReport(ws.project, state, { segmentsPerCode: p.segmentsPerCode });
    const lineOf = (doc: string, offset: number) => ws.toPosition(doc, offset).line;
    const base = { themes: report.totals.themes, codes: report.totals.codes };
    if (p.format === 'docx') return { ...base, fileName: 'theme-report.docx', base64: Buffer.from(await themeReportDocx(report, lineOf)).toString('base64') };
    return { ...base, fileName: 'theme-report.html', text: themeReportHtml(report, lineOf) };
  } catch (err) {
    return { fileName: '', themes: 0, codes: 0, error: (err as Error).message };
  }
}
