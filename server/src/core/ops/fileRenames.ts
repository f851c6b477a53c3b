// A transcript renamed, moved or deleted: its codings follow it, or wait for the analyst.
//
// Every coding names its transcript by path (`doc`), and per-transcript codings files are named
// after it too (.qda/codings/<coder>/<doc>.jsonl). A rename in the editor is answered with one
// plan: the `doc` fields rewritten in every coder's files, and each per-transcript codings file
// moved beside the new name. A rename done elsewhere (git mv, the file manager) is recognised
// by content: the codings of a missing transcript that are found in a transcript without codings
// of its own. A deleted transcript's codings are never deleted by that: they stay, as orphans
// grouped under the missing file, until the analyst re-links or deletes them on purpose.
import * as l10n from '../text/l10n';
import type { Coding } from '../model/model';
import type { Project } from '../project/project';
import { removeCodingEdits, serializeCoding, serializeCodings, type CodingsFile, type OffsetEdit } from '../parse/codings';
import { CODINGS_DIR } from '../parse/config';
import { reanchor } from '../anchoring';
import { applyOffsetEdits } from './operations';
import type { FileEdit, OperationResult } from '../model/edits';

/** One file operation of a plan, in the order it must run; paths are folder-relative. */
export type RenameStep =
  | { kind: 'move'; from: string; to: string }
  | { kind: 'delete'; path: string }
  /** Offsets are in the file's text before the plan (a moved file: the text it moves with). */
  | { kind: 'edit'; path: string; edits: OffsetEdit[] };

export interface RenamePlan {
  steps: RenameStep[];
  /** How many codings now name another transcript. */
  codings: number;
  /** Codings files that could not be rewritten (malformed lines, conflict markers): their codings stay behind. */
  blocked: string[];
}

/** The files a rename moves, at their old and new paths: each one renamed, and each held below a renamed folder. */
export function renamedFiles(project: Project, renames: ReadonlyArray<{ from: string; to: string }>): string[] {
  const out = renames.flatMap((r) => [r.from, r.to]);
  for (const path of project.texts.keys()) {
    const to = mapPath(path, renames);
    if (to !== undefined) out.push(path, to);
  }
  return out;
}

/** `from` → `to` for every path at or below `from` (a file, or a folder and what is in it). */
export function mapPath(path: string, renames: ReadonlyArray<{ from: string; to: string }>): string | undefined {
  for (const { from, to } of renames) {
    if (path === from) return to;
    if (path.startsWith(from + '/')) return to + path.slice(from.length);
  }
  return undefined;
}

/** The coder folder of a per-transcript codings file of `doc`, or undefined when `path` is not one. */
function coderDirOf(path: string, doc: string): string | undefined {
  const suffix = `/${doc}.jsonl`;
  if (!path.startsWith(CODINGS_DIR) || !path.endsWith(suffix)) return undefined;
  const dir = path.slice(CODINGS_DIR.length, path.length - suffix.length);
  return dir !== '' && !dir.includes('/') ? dir : undefined;
}

/**
 * The plan that makes every coding of a renamed transcript name its new path. `renames` are
 * folder-relative (a folder renames every transcript in it); `placed` may give a coding new
 * offsets and selectors (a rename outside the editor with edits, e.g. anonymisation).
 */
export function planDocRenames(
  project: Project,
  renames: ReadonlyArray<{ from: string; to: string }>,
  placed?: (c: Coding) => Coding | undefined,
): RenamePlan {
  const moves: RenameStep[] = [];
  const later: RenameStep[] = [];
  const blocked: string[] = [];
  let codings = 0;
  const files = [...project.codingsFiles.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rewrite = (c: Coding): Coding | undefined => {
    const to = mapPath(c.doc, renames);
    if (to === undefined) return undefined;
    return { ...(placed?.(c) ?? c), doc: to };
  };
  for (const file of files) {
    const affected = file.lines.filter((l) => mapPath(l.coding.doc, renames) !== undefined);
    if (affected.length === 0) continue;
    if (file.writeBlocked) {
      blocked.push(file.path);
      continue;
    }
    codings += affected.length;
    const doc = affected[0].coding.doc;
    const dir = coderDirOf(file.path, doc);
    const target = dir !== undefined ? `${CODINGS_DIR}${dir}/${mapPath(doc, renames)}.jsonl` : undefined;
    // The file of one transcript moves with it when everything in it goes to that transcript.
    if (target !== undefined && target !== file.path && affected.length === file.lines.length && affected.every((l) => l.coding.doc === doc)) {
      const existing = project.codingsFiles.get(target);
      if (!existing && !project.texts.has(target)) {
        moves.push({ kind: 'move', from: file.path, to: target });
        later.push({ kind: 'edit', path: target, edits: lineRewrites(file, rewrite) });
        continue;
      }
      if (existing && !existing.writeBlocked) {
        // The new name already has codings (renamed back and forth, a merge): add these to them.
        const targetText = project.texts.get(target) ?? '';
        const block = serializeCodings(affected.map((l) => rewrite(l.coding)!));
        const at = targetText.length;
        later.push({ kind: 'edit', path: target, edits: [{ start: at, end: at, newText: targetText === '' || targetText.endsWith('\n') ? block : '\n' + block }] });
        later.push({ kind: 'delete', path: file.path });
        continue;
      }
    }
    // Several transcripts' codings in one file (the old one-file-per-coder layout): in place.
    later.push({ kind: 'edit', path: file.path, edits: lineRewrites(file, rewrite) });
  }
  return { steps: [...moves, ...later], codings, blocked };
}

function lineRewrites(file: CodingsFile, rewrite: (c: Coding) => Coding | undefined): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  for (const l of file.lines) {
    const next = rewrite(l.coding);
    if (next) edits.push({ start: l.start, end: l.end, newText: serializeCoding(next) });
  }
  return edits;
}

/** Codings (as in their files) whose transcript is gone, by the path they name. */
export function codingsOfMissingDocs(project: Project): Map<string, Coding[]> {
  const out = new Map<string, Coding[]>();
  for (const file of project.codingsFiles.values()) {
    for (const l of file.lines) {
      const doc = l.coding.doc;
      if (project.transcripts.has(doc) || project.texts.has(doc)) continue;
      let list = out.get(doc);
      if (!list) out.set(doc, (list = []));
      list.push(l.coding);
    }
  }
  return out;
}

export interface RecognisedRename {
  /** The missing transcript the codings name. */
  from: string;
  /** The transcript whose text holds them now. */
  to: string;
  /** Codings of `from` (every coder). */
  codings: number;
  /** How many of them were found in `to` (exactly, by context or approximately). */
  found: number;
  /** Each found coding where it is in `to`; fuzzy ones flagged for review. */
  placed: Map<string, Coding>;
}

/** Share of a missing transcript's codings that must be found in another for it to count as renamed. */
const RECOGNISE_SHARE = 0.6;
/** Codings tried exactly before a candidate transcript is searched in full. */
const SAMPLE = 12;

/**
 * Missing transcripts whose codings are found in a transcript that has none of its own: a
 * rename outside the editor (git mv), perhaps with edits (anonymised names). Exact hits of a
 * sample decide which candidates are searched in full (re-anchoring, fuzzy included).
 */
export function recogniseRenames(project: Project): RecognisedRename[] {
  const missing = codingsOfMissingDocs(project);
  if (missing.size === 0) return [];
  const coded = new Set<string>();
  for (const file of project.codingsFiles.values()) for (const l of file.lines) coded.add(l.coding.doc);
  const candidates = [...project.transcripts.keys()].filter((t) => !coded.has(t)).sort();
  if (candidates.length === 0) return [];
  const out: RecognisedRename[] = [];
  const taken = new Set<string>();
  for (const [from, list] of [...missing].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sample = list.filter((c) => c.exact.trim().length >= 8).slice(0, SAMPLE);
    let best: RecognisedRename | undefined;
    for (const to of candidates) {
      if (taken.has(to)) continue;
      const text = project.texts.get(to) ?? '';
      const hits = sample.filter((c) => text.includes(c.exact)).length;
      if (sample.length > 0 && hits < Math.ceil(sample.length * 0.3)) continue;
      const results = reanchor(list, text);
      const placed = new Map<string, Coding>();
      results.forEach((r, i) => {
        if (r.status === 'orphaned') return;
        const c = r.status === 'fuzzy' ? { ...r.coding, extra: { ...r.coding.extra, review: 'fuzzy' } } : r.coding;
        placed.set(list[i].id, c);
      });
      if (placed.size < Math.ceil(list.length * RECOGNISE_SHARE)) continue;
      if (!best || placed.size > best.found) best = { from, to, codings: list.length, found: placed.size, placed };
    }
    if (best) {
      taken.add(best.to);
      out.push(best);
    }
  }
  return out;
}

/**
 * Re-links the codings of `from` (a missing transcript) to the transcript `to`: each placed
 * where its text is found there (fuzzy matches flagged for review), the rest keep their
 * offsets and show as orphans of `to`.
 */
export function planRelink(project: Project, from: string, to: string): RenamePlan | { error: string } {
  if (project.roleOf(to) !== 'transcript' || !project.texts.has(to)) return { error: l10n.t('{0} is not a transcript of this project.', to) };
  if (from === to) return { error: l10n.t('The codings already belong to {0}.', to) };
  const list = codingsOfMissingDocs(project).get(from) ?? [];
  if (list.length === 0) return { error: l10n.t('No codings name {0}.', from) };
  const results = reanchor(list, project.texts.get(to) ?? '');
  const placed = new Map<string, Coding>();
  results.forEach((r, i) => {
    if (r.status === 'orphaned') return;
    placed.set(list[i].id, r.status === 'fuzzy' ? { ...r.coding, extra: { ...r.coding.extra, review: 'fuzzy' } } : r.coding);
  });
  return planDocRenames(project, [{ from, to }], (c) => placed.get(c.id));
}

/** Deletes every coding that names `doc` (asked for by the analyst): whole per-transcript files go. */
export function planDeleteCodingsOf(project: Project, doc: string): RenamePlan {
  const steps: RenameStep[] = [];
  const blocked: string[] = [];
  let codings = 0;
  for (const file of [...project.codingsFiles.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const affected = file.lines.filter((l) => l.coding.doc === doc);
    if (affected.length === 0) continue;
    if (file.writeBlocked) {
      blocked.push(file.path);
      continue;
    }
    codings += affected.length;
    if (affected.length === file.lines.length && coderDirOf(file.path, doc) !== undefined) steps.push({ kind: 'delete', path: file.path });
    else steps.push({ kind: 'edit', path: file.path, edits: removeCodingEdits(file, project.texts.get(file.path) ?? '', new Set(affected.map((l) => l.coding.id))) });
  }
  return { steps, codings, blocked };
}

/**
 * A plan as an operation's result, for the server's one writer of codings files
 * (server/src/codingsWriter.ts): a moved file is written at its new place, with its edits,
 * and deleted at the old one; a deleted file is marked `remove`.
 */
export function planResult(project: Project, plan: RenamePlan): OperationResult {
  const moving = new Map<string, { from: string; text: string }>();
  const edits: FileEdit[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'move') {
      moving.set(step.to, { from: step.from, text: project.texts.get(step.from) ?? '' });
      edits.push({ path: step.from, remove: true, edits: [] });
    } else if (step.kind === 'delete') {
      edits.push({ path: step.path, remove: true, edits: [] });
    } else {
      const moved = moving.get(step.path);
      moving.delete(step.path);
      if (moved === undefined) edits.push({ path: step.path, edits: step.edits });
      else edits.push({ path: step.path, create: true, movedFrom: moved.from, edits: [{ start: 0, end: 0, newText: applyOffsetEdits(moved.text, step.edits) }] });
    }
  }
  for (const [path, moved] of moving) edits.push({ path, create: true, movedFrom: moved.from, edits: [{ start: 0, end: 0, newText: moved.text }] });
  return { edits };
}

/** Carries a plan out on the project's folder (the CLI and tests; the server writes it through its writer). */
export async function applyPlanToDisk(project: Project, plan: RenamePlan): Promise<void> {
  for (const step of plan.steps) {
    if (step.kind === 'move') {
      const text = (await project.fs.readText(step.from)) ?? '';
      await project.fs.writeAtomic(step.to, text);
      await project.fs.remove(step.from);
      await project.update(step.from, undefined);
      await project.update(step.to, text);
    } else if (step.kind === 'delete') {
      await project.fs.remove(step.path);
      await project.update(step.path, undefined);
    } else {
      const next = applyOffsetEdits((await project.fs.readText(step.path)) ?? '', step.edits);
      await project.fs.writeAtomic(step.path, next);
      await project.update(step.path, next);
    }
  }
}
