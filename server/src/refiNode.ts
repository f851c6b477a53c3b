// The Node side of REFI-QDA exchange, shared by the CLI (cli/import-refi.ts) and the server
// (features/refiExchange.ts): reading an archive from disk within a bound, writing an imported
// project as a new folder all or nothing, and the coding counts `--replace` must respect.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Project } from './core/project/project';
import * as l10n from './core/text/l10n';
import { normalizeName } from './core/text/text';
import { DEFAULT_ZIP_LIMITS } from './core/text/zip';

/** An archive larger than everything it may inflate to is refused before it is read. */
export const MAX_ARCHIVE_BYTES = DEFAULT_ZIP_LIMITS.maxTotalBytes;

/** The file's bytes, or a message naming it. */
export async function readRefiFile(file: string, name: string): Promise<Uint8Array | string> {
  try {
    const stat = await fsp.stat(file);
    if (stat.isDirectory()) return l10n.t('{0}: is a folder, not a file', name);
    if (stat.size > MAX_ARCHIVE_BYTES) return l10n.t('{0}: is {1} MB; at most {2} MB are read', name, (stat.size / 1048576).toFixed(0), MAX_ARCHIVE_BYTES / 1048576);
    return await fsp.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? l10n.t('{0}: no such file', name) : l10n.t('{0}: {1}', name, (err as Error).message);
  }
}

/** Why `target` cannot receive a new project (it exists and is not an empty folder), or undefined. */
export async function targetProblem(target: string, name: string): Promise<string | undefined> {
  const stat = await fsp.stat(target).catch(() => undefined);
  if (!stat) return undefined;
  if (!stat.isDirectory()) return l10n.t('{0}: is a file; give a new folder', name);
  const entries = await fsp.readdir(target);
  return entries.length > 0 ? l10n.t('{0}: the folder exists and is not empty; give a new folder', name) : undefined;
}

/**
 * Writes the files into a temporary folder beside `target` that is renamed into place at the
 * end, so a failed import leaves `target` as it was (absent or empty).
 */
export async function writeNewProject(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const existed = await fsp.readdir(target).catch(() => undefined);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.qda-import-${process.pid}.tmp`);
  try {
    await fsp.rm(tmp, { recursive: true, force: true });
    const dirs = new Set<string>();
    for (const [rel, content] of files) {
      const abs = path.join(tmp, ...rel.split('/'));
      const dir = path.dirname(abs);
      if (!dirs.has(dir)) {
        await fsp.mkdir(dir, { recursive: true });
        dirs.add(dir);
      }
      await fsp.writeFile(abs, content);
    }
    if (existed) await fsp.rmdir(target);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** Codings per code name (normalised), over every coder: what `--replace` must not orphan. */
export function codingCounts(project: Project): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { coding } of project.allCodings()) {
    const key = normalizeName(coding.code);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
