// Importing transcripts into a project: the importer (core/import) converts bytes to transcript
// Markdown; this module decides where it goes (the folder of qda.yaml's first transcripts glob),
// which speakers need a code, and produces the edits: new transcript files (an existing one is
// replaced only when the caller confirmed it), the identifiers file with the real names mapped on
// this import, and its line in .gitignore (decided in writes.ts, which `qda import` shares).
// The server turns the edits into one WorkspaceEdit.
import * as l10n from '../text/l10n';
import picomatch from 'picomatch';
import { ImportError, LayoutChoiceError, TEXT_LAYOUTS, transcriptFileName, type ImportedSpeaker, type ImportResult, type LayoutId } from './index';
import { labelKey } from '../parse/turnGrammar';
import { parseIdentifiers } from '../parse/identifiers';
import { minimalEdit, nextFreeCodes } from '../ops/informants';
import type { FileEdit } from '../model/edits';
import type { Project } from '../project/project';
import { convertSource, planWrites, sameTarget, type ConvertedFile, type ConvertSettings, type ImportPlace, type ImportRefusal, type ImportSource } from './writes';

// The import's shared half, for callers that know only this module.
export { convertSource, planWrites, sameTarget, type ConvertedFile, type ConvertSettings, type ImportPlace, type ImportRefusal, type ImportSource, type PlannedWrites } from './writes';

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

/** One file of the import preview (the protocol adds its URI and the target's: qda/importPreview). */
export interface PreviewFile {
  /** The file name shown in messages. */
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
  /** Characters the import changed (U+2028 → line break), one sentence each. */
  changes: string[];
}

/** What an import would produce, for the speaker mapping UI; the one preview type (protocol.ts extends it). */
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
  /** One message naming the file at fault; nothing is written. */
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
    return parseIdentifiers(project.config.identifiers, project.heldText(project.config.identifiers));
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

async function convert(project: Project, sources: readonly ImportSource[], options: ImportOptions): Promise<ConvertedFile[]> {
  const out: ConvertedFile[] = [];
  const settings: ConvertSettings = {
    speakers: speakerMapping(project, options),
    interviewers: [...project.config.interviewers, ...(options.interviewers ?? [])],
    language: project.config.language,
    layout: options.layout,
  };
  for (const s of sources) {
    const result = await convertSource(s, settings);
    const chosen = options.targets?.[s.name];
    if (chosen !== undefined && (chosen.startsWith('/') || chosen.split('/').includes('..') || project.roleOf(chosen) !== 'transcript')) {
      throw new ImportError(s.name, l10n.t("cannot be imported as {0}: not a transcript path of this project (see 'transcripts' in qda.yaml)", chosen));
    }
    out.push({ source: s.name, target: chosen ?? targetOf(project, s.name), result });
  }
  return out;
}

async function exists(project: Project, path: string): Promise<boolean> {
  return project.texts.has(path) || (await project.fs.exists(path));
}

/** Converts without writing: speakers found, targets and whether they exist, code suggestions. */
export async function previewImport(project: Project, sources: readonly ImportSource[], options: ImportOptions = {}): Promise<ImportPreview> {
  const informants = project.informantLabels();
  const base: ImportPreview = { files: [], informants, known: {}, suggestions: nextFreeCodes(informants), interviewerLabel: interviewerLabel(project), identifiersPath: project.config.identifiers };
  let converted;
  try {
    converted = await convert(project, sources, options);
  } catch (err) {
    const layouts = err instanceof LayoutChoiceError ? TEXT_LAYOUTS : undefined;
    return { ...base, error: errorMessage(err, sources), ...(layouts ? { layouts } : {}) };
  }
  const twice = sameTarget(converted);
  if (twice) return { ...base, error: refusalMessage(twice) };
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

function interviewerLabel(project: Project): string {
  return project.config.language === 'en' ? 'Interviewer' : 'Intervjuer';
}

/** The preview of an import refused before anything was converted (a file that cannot be read). */
export function refusedPreview(project: Project, error: string): ImportPreview {
  return { files: [], informants: project.informantLabels(), known: {}, suggestions: [], interviewerLabel: interviewerLabel(project), identifiersPath: project.config.identifiers, error };
}

/** The project as the place an import writes to (project-relative paths; open documents' texts first). */
function projectPlace(project: Project): ImportPlace {
  const idPath = project.config.identifiers;
  return {
    readText: async (path) => project.texts.get(path) ?? (path === idPath ? project.heldText(idPath) : undefined) ?? (await project.fs.readText(path)),
    exists: (path) => exists(project, path),
    identifiersPath: idPath,
    gitignore: !idPath.startsWith('../') && !idPath.startsWith('/') ? { path: '.gitignore', entry: idPath } : undefined,
    informants: project.informantLabels(),
  };
}

/** Converts with the speaker mapping and returns every edit; nothing is written here. */
export async function planImport(project: Project, sources: readonly ImportSource[], options: ImportOptions = {}): Promise<ImportPlan> {
  const plan: ImportPlan = { edits: [], before: {}, transcripts: [], results: [], warnings: [] };
  if (sources.length === 0) return { ...plan, error: l10n.t('No files to import.') };
  let converted;
  try {
    converted = await convert(project, sources, options);
  } catch (err) {
    return { ...plan, error: errorMessage(err, sources) };
  }
  const twice = sameTarget(converted);
  if (twice) return { ...plan, error: refusalMessage(twice) };
  const overwrite = new Set(options.overwrite ?? []);
  const writes = await planWrites(converted, projectPlace(project), { mayReplace: (target) => overwrite.has(target) });
  if ('refused' in writes) return { ...plan, error: refusalMessage(writes.refused) };
  for (const f of writes.files) {
    const before = f.before ?? '';
    plan.before[f.path] = before;
    // A transcript is replaced whole; the identifiers file and .gitignore change where they differ.
    plan.edits.push({ path: f.path, create: f.before === undefined, edits: [f.kind === 'transcript' ? { start: 0, end: before.length, newText: f.text } : minimalEdit(before, f.text)] });
  }
  plan.transcripts = writes.transcripts;
  plan.results = converted;
  // What the importer read differently (cues left out or moved): a few per file, each a notification.
  for (const c of converted) {
    const w = c.result.warnings;
    plan.warnings.push(...w.slice(0, 3));
    if (w.length > 3) plan.warnings.push(l10n.t('{0}: {1} more cues were left out or moved (`qda import` lists them all).', c.source, w.length - 3));
  }
  if (writes.identifiers) {
    for (const ch of writes.identifiers.changed) plan.warnings.push(l10n.t('{0}: a name that was {1} is now {2}.', writes.identifiers.path, ch.from, ch.to));
    plan.identifiersPath = writes.identifiers.path;
    if (writes.gitignore) plan.gitignore = true;
  }
  return plan;
}

/** A refusal as the editor shows it (`qda import` words its own: --force, --out). */
function refusalMessage(r: ImportRefusal): string {
  switch (r.kind) {
    case 'same-target':
      return l10n.t('{0}: would be written to {1}, like {2}; import them one at a time. Nothing was written.', r.source, r.target, r.other);
    case 'exists':
    case 'replaces-source':
      return l10n.t('{0} already exists (imported from {1}?); confirm to replace it. Nothing was written.', r.target, r.source);
    case 'identifiers':
      return l10n.t('{0}. Nothing was written.', r.message);
    case 'no-project':
      // A project always has a place for real names; here for completeness.
      return l10n.t('There is no project to keep the real names {0} in. Nothing was written.', r.names.map((n) => `"${n}"`).join(', '));
  }
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
  // One full stop between the message and "Nothing was written", whatever the message ends with.
  if (err instanceof ImportError) return l10n.t('{0}. Nothing was written.', err.message.replace(/\.$/, ''));
  const message = err instanceof Error ? err.message : String(err);
  return sources.length === 1 ? l10n.t('{0}: {1}. Nothing was written.', sources[0]!.name, message) : l10n.t('{0}. Nothing was written.', message);
}
