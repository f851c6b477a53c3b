// What an import writes, decided the same way for the editor's import (plan.ts, over a
// Project) and for `qda import` (cli/import.ts, over folders that need not be a project):
// converting, checking the targets, merging the real names into the identifiers file and its
// line in .gitignore. Nothing here reads or writes a file itself: the caller's ImportPlace does.
import { importTranscript, type ImportResult, type Language, type LayoutId } from './index';
import { GROUP_LABELS, labelKey } from '../parse/turnGrammar';
import { gitignoreWith, mergeIdentifiers } from '../parse/identifiers';
import { looksLikeInformantCode } from '../parse/informantCode';

export interface ImportSource {
  /** The file name shown in messages (a project-relative path, or the base name). */
  name: string;
  bytes: Uint8Array;
}

/** How a file is converted: the speaker mapping, the interviewers (qda.yaml's and this import's), language and layout. */
export interface ConvertSettings {
  speakers: Record<string, string>;
  interviewers: string[];
  language: Language;
  layout?: LayoutId;
}

/** Converts one file; throws ImportError naming the file (and line) when it cannot be read as a transcript. */
export function convertSource(source: ImportSource, settings: ConvertSettings): Promise<ImportResult> {
  return importTranscript(source.name, source.bytes, settings);
}

/** A file converted, and the path its transcript goes to. */
export interface ConvertedFile {
  source: string;
  target: string;
  result: ImportResult;
}

/**
 * Where an import writes, in the caller's own paths: project-relative for the server, absolute
 * for `qda import` (whose --out may lie anywhere, and which may run outside any project).
 */
export interface ImportPlace {
  /** A file's current text; undefined when there is none. */
  readText(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  /** Where real names go; undefined when there is no project to hold them. */
  identifiersPath?: string;
  /** The project's .gitignore and the identifiers file's line in it; undefined when that file lies outside the project. */
  gitignore?: { path: string; entry: string };
  /** The project's informant codes: a speaker mapped from one of them (or a code-like label) is no real name. */
  informants: readonly string[];
  /** A path as messages show it (default: as given). */
  shown?(path: string): string;
}

/** Why an import writes nothing; each caller words it for its user. */
export type ImportRefusal =
  | { kind: 'same-target'; source: string; target: string; other: string }
  | { kind: 'replaces-source'; source: string; target: string }
  | { kind: 'exists'; source: string; target: string }
  /** Real names were mapped but there is no project (identifiersPath) to keep them in. */
  | { kind: 'no-project'; names: string[] }
  /** The identifiers file does not parse (the message names it and the line). */
  | { kind: 'identifiers'; message: string };

export interface PlannedWrites {
  /** Every file to write, with its text before (undefined: it is created): transcripts first, then the identifiers file, then .gitignore. */
  files: Array<{ kind: 'transcript' | 'identifiers' | 'gitignore'; path: string; before: string | undefined; text: string }>;
  transcripts: string[];
  /** Set when real names were mapped (even if the file already had them all). */
  identifiers?: { path: string; created: boolean; changed: Array<{ name: string; from: string; to: string }> };
  /** Set when the identifiers file's line is added to .gitignore. */
  gitignore?: string;
}

/** Two files that would be written to one target (the first such pair). */
export function sameTarget(converted: readonly ConvertedFile[]): ImportRefusal | undefined {
  const seen = new Map<string, string>();
  for (const c of converted) {
    const other = seen.get(c.target);
    if (other !== undefined) return { kind: 'same-target', source: c.source, target: c.target, other };
    seen.set(c.target, c.source);
  }
  return undefined;
}

/**
 * Checks the targets and merges the real names mapped on this import into the identifiers file
 * (with its line in .gitignore: that file is never committed). Nothing is written; the first
 * reason not to import comes back as `refused`.
 */
export async function planWrites(
  converted: readonly ConvertedFile[],
  place: ImportPlace,
  options: {
    /** Whether an existing target may be replaced (the user confirmed it, or --force). */
    mayReplace(target: string): boolean;
    /** A source's own path in the place's terms, to refuse replacing a source with its import. */
    sourcePath?(source: string): string | undefined;
  },
): Promise<PlannedWrites | { refused: ImportRefusal }> {
  const out: PlannedWrites = { files: [], transcripts: [] };
  const seen = new Map<string, string>();
  for (const c of converted) {
    // One file at a time, as `qda import` always checked (the editor's import checks sameTarget first).
    const other = seen.get(c.target);
    if (other !== undefined) return { refused: { kind: 'same-target', source: c.source, target: c.target, other } };
    seen.set(c.target, c.source);
    const replace = options.mayReplace(c.target);
    if (!replace && options.sourcePath?.(c.source) === c.target) return { refused: { kind: 'replaces-source', source: c.source, target: c.target } };
    const present = await place.exists(c.target);
    if (present && !replace) return { refused: { kind: 'exists', source: c.source, target: c.target } };
    out.files.push({ kind: 'transcript', path: c.target, before: present ? ((await place.readText(c.target)) ?? '') : undefined, text: c.result.markdown });
    out.transcripts.push(c.target);
  }

  // Real names mapped on this import (not codes kept as they were) go to the identifiers file.
  // A code mapped to another code ("Informant A" imported as "Informant B") is no real name:
  // written there, the old code would be flagged as a name wherever it appears.
  const groups = new Set(GROUP_LABELS.map(labelKey));
  const identifiers: Record<string, string> = {};
  for (const c of converted) {
    for (const [name, code] of Object.entries(c.result.identifiers)) {
      if (!groups.has(labelKey(name)) && !looksLikeInformantCode(name, place.informants)) identifiers[name] = code;
    }
  }
  if (Object.keys(identifiers).length === 0) return out;
  const idPath = place.identifiersPath;
  if (idPath === undefined) return { refused: { kind: 'no-project', names: Object.keys(identifiers) } };
  const idBefore = await place.readText(idPath);
  let merged;
  try {
    merged = mergeIdentifiers(place.shown?.(idPath) ?? idPath, idBefore, identifiers);
  } catch (err) {
    return { refused: { kind: 'identifiers', message: (err as Error).message } };
  }
  if (merged.text !== (idBefore ?? '')) out.files.push({ kind: 'identifiers', path: idPath, before: idBefore, text: merged.text });
  out.identifiers = { path: idPath, created: idBefore === undefined, changed: merged.changed };
  if (place.gitignore) {
    const giBefore = await place.readText(place.gitignore.path);
    const next = gitignoreWith(giBefore, place.gitignore.entry);
    if (next !== undefined) {
      out.files.push({ kind: 'gitignore', path: place.gitignore.path, before: giBefore, text: next });
      out.gitignore = place.gitignore.path;
    }
  }
  return out;
}
