// Moves the codings of the old one-file-per-coder layout (.qda/codings/<coder>.jsonl) into the
// per-transcript files (.qda/codings/<coder>/<transcript>.jsonl) that new codings go to.
// Lines move byte for byte (unknown keys, key order and all); a file that could not be fully
// parsed is left alone, and a line whose `doc` is not a safe relative path stays where it is.
import { CODINGS_DIR, codingsFileOf, isCodingsPath } from '../parse/config';
import { compareCodings } from '../parse/codings';
import type { Coding } from '../model/model';
import type { Project } from '../project/project';

export interface SplitFileResult {
  /** The old-layout file. */
  path: string;
  moved: number;
  /** Lines that stay in it (an unsafe `doc`); 0 when the file is removed. */
  kept: number;
  /** Why nothing was moved, if nothing was. */
  refused?: string;
}

export interface SplitPlan {
  /** Whole new texts of per-transcript files (existing lines merged, sorted). */
  writes: Map<string, string>;
  /** Old-layout files that end up empty and are removed once the writes are done. */
  removes: string[];
  /** Old-layout files that keep some lines: their new text. */
  rewrites: Map<string, string>;
  files: SplitFileResult[];
}

/** An old-layout file: `.qda/codings/<coder>.jsonl`, directly in the codings folder. */
export function isLegacyCodingsPath(path: string): boolean {
  return isCodingsPath(path) && !path.slice(CODINGS_DIR.length).includes('/');
}

/** A transcript path that can name a file under the coder's folder (no '..', not absolute). */
function safeDoc(doc: string): boolean {
  return doc !== '' && !doc.startsWith('/') && !doc.includes('\\') && !doc.includes('\0') && doc.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

interface RawLine {
  raw: string;
  coding: Coding;
}

/** What splitting every old-layout file of the project would write; nothing is written here. */
export function planSplitCodings(project: Project): SplitPlan {
  const plan: SplitPlan = { writes: new Map(), removes: [], rewrites: new Map(), files: [] };
  // Lines already in (or planned for) each per-transcript file.
  const targets = new Map<string, RawLine[]>();
  const refusedTargets = new Map<string, string>();
  const existing = (target: string): RawLine[] | undefined => {
    let lines = targets.get(target);
    if (lines) return lines;
    const file = project.codingsFiles.get(target);
    if (file?.writeBlocked) {
      refusedTargets.set(target, file.writeBlocked);
      return undefined;
    }
    const text = project.texts.get(target) ?? '';
    lines = (file?.lines ?? []).map((l) => ({ raw: text.slice(l.start, l.end), coding: l.coding }));
    targets.set(target, lines);
    return lines;
  };

  const seen = new Map<string, Set<string>>();
  const legacy = [...project.codingsFiles.keys()].filter(isLegacyCodingsPath).sort();
  for (const path of legacy) {
    const file = project.codingsFiles.get(path)!;
    const text = project.texts.get(path) ?? '';
    if (file.writeBlocked) {
      plan.files.push({ path, moved: 0, kept: file.lines.length, refused: file.writeBlocked });
      continue;
    }
    const stay: RawLine[] = [];
    const moves: Array<[string, RawLine]> = [];
    let refused: string | undefined;
    for (const l of file.lines) {
      const line = { raw: text.slice(l.start, l.end), coding: l.coding };
      if (!safeDoc(l.coding.doc)) {
        stay.push(line);
        continue;
      }
      const target = codingsFileOf(file.coder, l.coding.doc);
      if (!existing(target)) {
        refused = `${target}: ${refusedTargets.get(target)}`;
        break;
      }
      moves.push([target, line]);
    }
    if (refused) {
      plan.files.push({ path, moved: 0, kept: file.lines.length, refused });
      continue;
    }
    for (const [target, line] of moves) {
      const lines = targets.get(target)!;
      // A line already there (a copy from an earlier, interrupted split) is not doubled.
      if (!seen.has(target)) seen.set(target, new Set(lines.map((l) => l.raw)));
      if (!seen.get(target)!.has(line.raw)) {
        lines.push(line);
        seen.get(target)!.add(line.raw);
      }
      plan.writes.set(target, '');
    }
    if (stay.length === 0) plan.removes.push(path);
    else plan.rewrites.set(path, stay.map((l) => l.raw + '\n').join(''));
    plan.files.push({ path, moved: moves.length, kept: stay.length });
  }
  for (const target of plan.writes.keys()) {
    const lines = targets.get(target)!.sort((a, b) => compareCodings(a.coding, b.coding));
    plan.writes.set(target, lines.map((l) => l.raw + '\n').join(''));
  }
  return plan;
}

/**
 * Writes a plan: every per-transcript file first (each atomically), then the old files are
 * rewritten or removed — so an interruption leaves codings in both places (the index reports
 * the duplicate ids), never in neither.
 */
export async function applySplitPlan(project: Project, plan: SplitPlan): Promise<void> {
  for (const [path, text] of plan.writes) await project.fs.writeAtomic(path, text);
  for (const [path, text] of plan.rewrites) await project.fs.writeAtomic(path, text);
  for (const path of plan.removes) await project.fs.remove(path);
}
