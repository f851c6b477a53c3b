// `qda review`: the review threads and statuses, for CI, for a supervisor's checklist and for
// co-authors who live in a terminal.
//   qda review [--json] [--all] [folder]             open threads (--all: resolved too) and statuses
//   qda review comment NAME TEXT [--author A] [folder]   a new thread on a theme, group or code
//   qda review reply THREAD TEXT [--author A] [folder]
//   qda review resolve|reopen THREAD [--author A] [folder]
//   qda review status NAME proposed|needs-work|agreed [--author A] [folder]
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CliError, loadProject, parseArgs, type CliIo } from './io';
import { REVIEW } from './options';
import type { Project } from '../core/project/project';
import { REVIEW_STATUSES, type ReviewStatus } from '../core/review/reviewLog';
import { itemStatus, sortedThreads, targetLabel } from '../core/review/reviewState';
import { appendReviewEvents, loadReviewState, newThreadEvent, replyEvent, resolveEvent, statusEvent } from '../core/review/reviewWrite';
import { reviewItems } from '../core/review/reviewItems';
import { LineIndex } from '../core/text/text';

const SUBCOMMANDS = ['comment', 'reply', 'resolve', 'reopen', 'status'];

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, REVIEW);
  const sub = SUBCOMMANDS.includes(positional[0]) ? positional[0] : undefined;
  const arity = sub === undefined ? 0 : sub === 'resolve' || sub === 'reopen' ? 2 : 3;
  if (positional.length < arity) throw new CliError(`review ${sub}: missing arguments (see qda --help)`);
  const project = await loadProject(positional[arity], io);
  if (sub === undefined) return list(project, io, flags.has('json'), flags.has('all'));
  const author = flags.get('author')?.at(-1) ?? authorOf(project, io);
  const ctx = { author };
  const { state } = await loadReviewState(project.fs);
  const items = reviewItems(project.codebook);
  const itemNamed = (name: string) => {
    const item = items.get(name);
    if (!item) throw new CliError(`no theme, group or code named '${name}' in ${project.config.codebook}`);
    return item;
  };
  const threadNamed = (id: string) => {
    const t = state.threads.find((x) => x.id === id);
    if (!t) throw new CliError(`no review thread '${id}' (qda review --all lists them)`);
    return t;
  };
  let file: string;
  switch (sub) {
    case 'comment': {
      const item = itemNamed(positional[1]);
      file = await appendReviewEvents(project.fs, author, [newThreadEvent(ctx, { item: item.name }, positional[2])]);
      break;
    }
    case 'reply':
      file = await appendReviewEvents(project.fs, author, [replyEvent(ctx, threadNamed(positional[1]).id, positional[2])]);
      break;
    case 'resolve':
    case 'reopen': {
      const t = threadNamed(positional[1]);
      const definition = 'item' in t.on ? items.get(t.on.item)?.definition : undefined;
      file = await appendReviewEvents(project.fs, author, [resolveEvent(ctx, t.id, sub === 'resolve', definition)]);
      break;
    }
    default: {
      const item = itemNamed(positional[1]);
      const status = positional[2] as ReviewStatus;
      if (!REVIEW_STATUSES.includes(status)) throw new CliError(`status must be one of ${REVIEW_STATUSES.join(', ')}`);
      file = await appendReviewEvents(project.fs, author, [statusEvent(ctx, item.name, status, item.definition)]);
    }
  }
  io.stdout(`${sub}: written to ${file}\n`);
  return 0;
}

async function list(project: Project, io: CliIo, json: boolean, all: boolean): Promise<number> {
  const { state } = await loadReviewState(project.fs);
  const texts = new Map<string, LineIndex>();
  for (const t of state.threads) if (!('item' in t.on) && !texts.has(t.on.doc)) texts.set(t.on.doc, new LineIndex((await project.fs.readText(t.on.doc)) ?? ''));
  const lineOf = (doc: string, offset: number) => texts.get(doc)?.positionAt(offset).line ?? 0;
  const threads = sortedThreads(state).filter((t) => all || !t.resolved);
  const status: Record<string, ReviewStatus> = {};
  const notes: Record<string, string> = {};
  for (const item of reviewItems(project.codebook).values()) {
    const s = itemStatus(state, item.name, item.definition);
    status[item.name] = s.status;
    if (s.note) notes[item.name] = s.note;
  }
  for (const d of state.diagnostics) io.stderr(`${d.path}: ${d.message}\n`);
  if (json) {
    const out = {
      threads: threads.map((t) => ({ id: t.id, on: targetLabel(t.on, lineOf), resolved: t.resolved, comments: t.comments.map((c) => ({ author: c.author, at: c.at, body: c.body })) })),
      status,
      notes,
    };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  if (threads.length === 0) io.stdout(all ? 'No review threads.\n' : 'No open review threads.\n');
  for (const t of threads) {
    io.stdout(`${t.resolved ? '✓' : '●'} ${t.id}  on ${targetLabel(t.on, lineOf)}${t.resolved ? ` (resolved by ${t.resolvedBy})` : ''}\n`);
    for (const c of t.comments) io.stdout(`    ${c.author}, ${c.at.slice(0, 16).replace('T', ' ')}: ${c.body.replace(/\n/g, '\n      ')}\n`);
  }
  const byStatus = new Map<ReviewStatus, string[]>(REVIEW_STATUSES.map((s) => [s, []]));
  for (const [name, s] of Object.entries(status)) byStatus.get(s)!.push(name);
  io.stdout('\n');
  for (const s of REVIEW_STATUSES) io.stdout(`${s.padEnd(10)}  ${byStatus.get(s)!.length}${s === 'proposed' ? '' : byStatus.get(s)!.length ? ': ' + byStatus.get(s)!.join(', ') : ''}\n`);
  for (const [name, note] of Object.entries(notes)) io.stdout(`  ${name}: ${note}\n`);
  return 0;
}

/** The reviewer's name: qda.yaml `coder`, else $QDA_CODER, else git's user.name. */
function authorOf(project: Project, io: CliIo): string {
  const name = project.config.coder ?? process.env.QDA_CODER ?? gitUserName(path.resolve(io.cwd));
  if (!name) throw new CliError('who is reviewing? pass --author NAME, or set coder in qda.yaml or git config user.name');
  return name;
}

function gitUserName(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
