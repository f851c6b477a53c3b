// Importing transcripts into a project: the importer (core/import) converts bytes to transcript
// Markdown; this module decides where it goes (the folder of qda.yaml's first transcripts glob),
// which speakers need a code, and produces the edits: new transcript files (an existing one is
// replaced only when the caller confirmed it), the identifiers file with the real names mapped on
// this import, and its line in .gitignore. The server turns the edits into one WorkspaceEdit.
import picomatch from 'picomatch';
import { ImportError, importTranscript, TEXT_LAYOUTS, transcriptFileName, type ImportedSpeaker, type ImportResult, type LayoutId } from './index';
import { GROUP_LABELS, labelKey } from '../parse/turnGrammar';
import { gitignoreWith, mergeIdentifiers, parseIdentifiers } from './identifiers';
import { minimalEdit, nextFreeCodes } from '../ops/informants';
import { looksLikeInformantCode } from '../parse/informantCode';
import type { FileEdit } from '../ops/operations';
import type { Project } from '../project/project';

export interface ImportSource {
  /** The file name shown in messages (a project-relative path, or the base name). */
  name: string;
  bytes: Uint8Array;
}

export interface ImportOptions {
  /** Speaker as found in the source → informant code or interviewer label. */
  speakers?: Record<string, string>;
  /** Speakers to mark as interviewers (they get the generic "Intervjuer" label). */
  interviewers?: string[];
  /** Target paths (project-relative) the user agreed to replace. */
  overwrite?: string[];
  /** The layout of .txt/.md/.docx files when the importer cannot tell it. */
  layout?: LayoutId;
  /** Source name → another target path ("Import as new name" when the usual one exists). */
  targets?: Record<string, string>;
}

/** A speaker as the preview shows it: with the first words said, to tell "Speaker 1" from "Speaker 2". */
export type PreviewSpeaker = ImportedSpeaker & { firstWords: string };

export interface PreviewFile {
  source: string;
  /** Project-relative path the transcript would be written to. */
  target: string;
  exists: boolean;
  /** `unnamed`: the label of a caption file that names no speaker ("Ukjent"), to be named or split. */
  speakers: Array<PreviewSpeaker & { unnamed?: boolean }>;
  /** Cues left out or moved, each naming file and line. */
  warnings: string[];
  turns: number;
  words: number;
  /** The layout the file was read in. */
  layout?: LayoutId;
  changes: string[];
}

export interface ImportPreview {
  files: PreviewFile[];
  /** Informant codes the project already has (qda.yaml and transcripts). */
  informants: string[];
  /** Codes already given to speakers found in these files, from the identifiers file. */
  known: Record<string, string>;
  /** The next free informant codes, one per family (most used family first). */
  suggestions: string[];
  /** The label a speaker marked as interviewer gets. */
  interviewerLabel: string;
  /** Where real names go. */
  identifiersPath: string;
  error?: string;
  /** With `error`, when a file's layout cannot be told: the layouts to choose from. */
  layouts?: LayoutId[];
}

export interface ImportPlan {
  edits: FileEdit[];
  /** The text each edited file had before (for offset → position conversion). */
  before: Record<string, string>;
  /** The transcripts written, project-relative. */
  transcripts: string[];
  results: Array<{ source: string; target: string; result: ImportResult }>;
  /** Set when the identifiers file is written. */
  identifiersPath?: string;
  gitignore?: boolean;
  warnings: string[];
  error?: string;
}

/** The folder new transcripts go to: the static start of qda.yaml's first transcripts glob. */
export function transcriptsFolder(project: Project): string {
  for (const glob of project.config.transcripts) {
    const base = picomatch.scan(glob).base.replace(/\/+$/, '');
    if (base && !base.startsWith('..') && !base.startsWith('/')) return base;
  }
  return 'transcripts';
}

export function targetOf(project: Project, sourceName: string): string {
  return `${transcriptsFolder(project)}/${transcriptFileName(sourceName)}`;
}

function knownIdentifiers(project: Project): Record<string, string> {
  try {
    return parseIdentifiers(project.config.identifiers, project.identifiersText);
  } catch {
    return {};
  }
}

/** Maps by speaker key: explicit mapping first, then what the identifiers file already says. */
function speakerMapping(project: Project, options: ImportOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const explicit = new Set(Object.keys(options.speakers ?? {}).map(labelKey));
  const interviewers = new Set((options.interviewers ?? []).map(labelKey));
  for (const [name, code] of Object.entries(knownIdentifiers(project))) {
    if (!explicit.has(labelKey(name)) && !interviewers.has(labelKey(name))) out[name] = code;
  }
  Object.assign(out, options.speakers ?? {});
  return out;
}

async function convert(project: Project, sources: readonly ImportSource[], options: ImportOptions): Promise<Array<{ source: string; target: string; result: ImportResult }>> {
  const out: Array<{ source: string; target: string; result: ImportResult }> = [];
  const targets = new Map<string, string>();
  for (const s of sources) {
    const result = await importTranscript(s.name, s.bytes, {
      speakers: speakerMapping(project, options),
      interviewers: [...project.config.interviewers, ...(options.interviewers ?? [])],
      language: project.config.language,
      layout: options.layout,
    });
    const chosen = options.targets?.[s.name];
    if (chosen !== undefined && (chosen.startsWith('/') || chosen.split('/').includes('..') || project.roleOf(chosen) !== 'transcript')) {
      throw new ImportError(s.name, `cannot be imported as ${chosen}: not a transcript path of this project (see 'transcripts' in qda.yaml)`);
    }
    const target = chosen ?? targetOf(project, s.name);
    const other = targets.get(target);
    if (other !== undefined) throw new ImportError(s.name, `would be written to ${target}, like ${other}; import them one at a time.`);
    targets.set(target, s.name);
    out.push({ source: s.name, target, result });
  }
  return out;
}

async function exists(project: Project, path: string): Promise<boolean> {
  return project.texts.has(path) || (await project.fs.exists(path));
}

/** Converts without writing: speakers found, targets and whether they exist, code suggestions. */
export async function previewImport(project: Project, sources: readonly ImportSource[], options: ImportOptions = {}): Promise<ImportPreview> {
  const interviewerLabel = project.config.language === 'en' ? 'Interviewer' : 'Intervjuer';
  const informants = project.informantLabels();
  const base: ImportPreview = { files: [], informants, known: {}, suggestions: nextFreeCodes(informants), interviewerLabel, identifiersPath: project.config.identifiers };
  let converted;
  try {
    converted = await convert(project, sources, options);
  } catch (err) {
    const layouts = err instanceof ImportError && /layout/.test(err.detail) ? TEXT_LAYOUTS : undefined;
    return { ...base, error: errorMessage(err, sources), ...(layouts ? { layouts } : {}) };
  }
  const known = knownIdentifiers(project);
  const knownByKey = new Map(Object.entries(known).map(([k, v]) => [labelKey(k), v]));
  for (const c of converted) {
    const unnamed = c.result.unnamedSpeaker;
    const speakers = c.result.speakers.map((sp) => ({ ...sp, firstWords: firstWords(c.result.markdown, sp.label), ...(unnamed !== undefined && sp.label === unnamed ? { unnamed: true } : {}) }));
    base.files.push({ source: c.source, target: c.target, exists: await exists(project, c.target), speakers, warnings: c.result.warnings, turns: c.result.turns, words: c.result.words, layout: c.result.layout, changes: c.result.changes });
    for (const sp of c.result.speakers) {
      const code = knownByKey.get(labelKey(sp.source));
      if (code !== undefined) base.known[sp.source] = code;
    }
  }
  return base;
}

/** Converts with the speaker mapping and returns every edit; nothing is written here. */
export async function planImport(project: Project, sources: readonly ImportSource[], options: ImportOptions = {}): Promise<ImportPlan> {
  const plan: ImportPlan = { edits: [], before: {}, transcripts: [], results: [], warnings: [] };
  if (sources.length === 0) return { ...plan, error: 'No files to import.' };
  let converted;
  try {
    converted = await convert(project, sources, options);
  } catch (err) {
    return { ...plan, error: errorMessage(err, sources) };
  }
  const overwrite = new Set(options.overwrite ?? []);
  for (const c of converted) {
    const present = await exists(project, c.target);
    if (present && !overwrite.has(c.target)) {
      return { ...plan, error: `${c.target} already exists (imported from ${c.source}?); confirm to replace it. Nothing was written.` };
    }
    const before = present ? (project.texts.get(c.target) ?? (await project.fs.readText(c.target)) ?? '') : '';
    plan.before[c.target] = before;
    plan.edits.push({ path: c.target, create: !present, edits: [{ start: 0, end: before.length, newText: c.result.markdown }] });
    plan.transcripts.push(c.target);
  }
  plan.results = converted;
  // What the importer read differently (cues left out or moved): a few per file, each a notification.
  for (const c of converted) {
    const w = c.result.warnings;
    plan.warnings.push(...w.slice(0, 3));
    if (w.length > 3) plan.warnings.push(`${c.source}: ${w.length - 3} more cues were left out or moved (\`qda import\` lists them all).`);
  }

  // Real names mapped on this import (not codes kept as they were) go to the identifiers file.
  // A code mapped to another code ("Informant A" imported as "Informant B") is no real name:
  // written there, the old code would be flagged as a name wherever it appears.
  const groups = new Set(GROUP_LABELS.map(labelKey));
  const codes = project.informantLabels();
  const identifiers: Record<string, string> = {};
  for (const c of converted) {
    for (const [name, code] of Object.entries(c.result.identifiers)) {
      if (!groups.has(labelKey(name)) && !looksLikeInformantCode(name, codes)) identifiers[name] = code;
    }
  }
  if (Object.keys(identifiers).length > 0) {
    const idPath = project.config.identifiers;
    const idBefore = project.identifiersText ?? (await project.fs.readText(idPath));
    let merged;
    try {
      merged = mergeIdentifiers(idPath, idBefore, identifiers);
    } catch (err) {
      return { ...plan, edits: [], transcripts: [], error: `${(err as Error).message}. Nothing was written.` };
    }
    for (const ch of merged.changed) plan.warnings.push(`${idPath}: a name that was ${ch.from} is now ${ch.to}.`);
    if (merged.text !== (idBefore ?? '')) {
      plan.before[idPath] = idBefore ?? '';
      plan.edits.push({ path: idPath, create: idBefore === undefined, edits: [minimalEdit(idBefore ?? '', merged.text)] });
    }
    plan.identifiersPath = idPath;
    // The identifiers file is never committed: its line goes into .gitignore (kept there).
    if (!idPath.startsWith('../') && !idPath.startsWith('/')) {
      const giBefore = project.texts.get('.gitignore') ?? (await project.fs.readText('.gitignore'));
      const next = gitignoreWith(giBefore, idPath);
      if (next !== undefined) {
        plan.before['.gitignore'] = giBefore ?? '';
        plan.edits.push({ path: '.gitignore', create: giBefore === undefined, edits: [minimalEdit(giBefore ?? '', next)] });
        plan.gitignore = true;
      }
    }
  }
  return plan;
}

/** The first words of a speaker's first turn in transcript Markdown ("**Label:** [ts] words…"). */
export function firstWords(markdown: string, label: string, max = 12): string {
  const head = `**${label}:**`;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith(head)) continue;
    const words = line.slice(head.length).replace(/^\s*\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]/, '').trim().split(/\s+/).filter(Boolean);
    return words.slice(0, max).join(' ') + (words.length > max ? ' …' : '');
  }
  return '';
}

function errorMessage(err: unknown, sources: readonly ImportSource[]): string {
  if (err instanceof ImportError) return `${err.message}. Nothing was written.`.replace(/\.\. Nothing/, '. Nothing');
  const name = sources.length === 1 ? `${sources[0]!.name}: ` : '';
  return `${name}${err instanceof Error ? err.message : String(err)}. Nothing was written.`;
}
