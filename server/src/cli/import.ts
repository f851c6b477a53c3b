// qda import FILE… [--out DIR] [--project DIR] [--force] [--speaker "Kari Nordmann=R2"]… [--interviewer NAME]… [--language nb|en]
//
// Converts each file to transcript Markdown in DIR (default: transcripts/ of the project). The
// project is --project, else the nearest folder at or above DIR (or, without --out, the current
// folder) that has a qda.yaml; its qda.yaml gives the language and interviewers. All files are
// converted before anything is written: one bad file means nothing is written. An existing
// transcript is never overwritten without --force.
// Real names mapped with --speaker/--interviewer go to the project's identifiers file (qda.yaml
// `identifiers`, default .qda/identifiers.yaml), whose line goes into the project's .gitignore
// when missing; a warning says so when git tracks it. Without a project there is nowhere that
// file belongs, so such an import writes nothing and says why. What is written is planned by
// core/import/writes.ts, as for the editor's import: this file reads the arguments and the files,
// words the messages for a terminal and writes.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../core/parse/config';
import { writeFileAtomic } from '../nodeFs';
import { ImportError, isLayoutId, LAYOUT_NAMES, TEXT_LAYOUTS, transcriptFileName, type Language, type LayoutId } from '../core/import/index';
import { convertSource, planWrites, type ConvertedFile, type ConvertSettings, type ImportPlace, type ImportRefusal } from '../core/import/writes';
import { unknownOption, type CliIo } from './io';


const USAGE = `usage: qda import FILE... [--out DIR] [--project DIR] [--force] [--speaker "Real Name=CODE"]... [--interviewer NAME]... [--language nb|en] [--layout ${TEXT_LAYOUTS.join('|')}]`;

/** The options parseArgs below reads (-f is --force, -o is --out). */
const IMPORT_OPTIONS = ['force', 'out', 'project', 'speaker', 'interviewer', 'language', 'layout'];
/** Those of them that take a value. */
const IMPORT_VALUES = IMPORT_OPTIONS.filter((o) => o !== 'force');

interface ImportArgs {
  files: string[];
  out?: string;
  project?: string;
  force: boolean;
  speakers: Record<string, string>;
  interviewers: string[];
  language?: Language;
  /** The layout of .txt/.md/.docx files when the importer cannot tell it from the file. */
  layout?: LayoutId;
}

function parseArgs(args: string[]): ImportArgs | string {
  const a: ImportArgs = { files: [], force: false, speakers: {}, interviewers: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
    switch (name) {
      case '--force':
      case '-f':
        a.force = true;
        break;
      case '--out':
      case '-o': {
        const v = value();
        if (!v) return '--out needs a folder';
        a.out = v;
        break;
      }
      case '--project': {
        const v = value();
        if (!v) return '--project needs a folder';
        a.project = v;
        break;
      }
      case '--speaker': {
        const v = value();
        const m = v ? /^(.+?)=(.+)$/.exec(v) : null;
        if (!m || !m[1]!.trim() || !m[2]!.trim()) return `--speaker needs "Name=CODE", e.g. --speaker "Kari Nordmann=R2" (got ${v === undefined ? 'nothing' : `"${v}"`})`;
        a.speakers[m[1]!.trim()] = m[2]!.trim();
        break;
      }
      case '--interviewer': {
        const v = value();
        if (!v || !v.trim()) return '--interviewer needs a name or label';
        a.interviewers.push(v.trim());
        break;
      }
      case '--language': {
        const v = value();
        if (v !== 'nb' && v !== 'en') return `--language must be nb or en (got ${v === undefined ? 'nothing' : `"${v}"`})`;
        a.language = v;
        break;
      }
      case '--layout': {
        const v = value();
        if (!v || !isLayoutId(v) || !TEXT_LAYOUTS.includes(v)) return `--layout must be one of ${TEXT_LAYOUTS.join(', ')} (got ${v === undefined ? 'nothing' : `"${v}"`})`;
        a.layout = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return unknownOption(eq > 0 ? arg.slice(0, eq) : arg, IMPORT_OPTIONS);
        a.files.push(arg);
    }
  }
  if (a.files.length === 0) return 'no files given';
  return a;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  // A REFI-QDA project is a whole project, not a transcript: cli/import-refi.ts.
  const first = firstFile(args);
  if (first && /\.(qdpx|qdc)$/i.test(first)) return (await import('./import-refi')).run(args, io);
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`qda import: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  // Paths are given and shown relative to where the command runs; what belongs to the project
  // (qda.yaml, identifiers, .gitignore) is looked up from where the transcripts go.
  const cwd = io.cwd;
  const project = parsed.project !== undefined ? path.resolve(cwd, parsed.project) : await findProject(parsed.out !== undefined ? path.resolve(cwd, parsed.out) : cwd);
  if (parsed.project !== undefined && !(await isFolder(project!))) {
    io.stderr(`qda import: --project ${parsed.project}: no such folder\n`);
    return 2;
  }
  const configText = project !== undefined ? await readText(path.join(project, 'qda.yaml')) : undefined;
  const { config, diagnostics } = parseConfig(configText);
  for (const d of diagnostics) io.stderr(`warning: ${displayPath(cwd, path.join(project!, 'qda.yaml'))}: ${d.message}\n`);
  const language = parsed.language ?? config.language;
  const outDir = parsed.out !== undefined ? path.resolve(cwd, parsed.out) : path.join(project ?? cwd, 'transcripts');

  // 1. Convert everything in memory (core/import/writes.ts converts as the editor's import does).
  const converted: ConvertedFile[] = [];
  const settings: ConvertSettings = { speakers: parsed.speakers, interviewers: [...config.interviewers, ...parsed.interviewers], language, layout: parsed.layout };
  for (const file of parsed.files) {
    const abs = path.resolve(cwd, file);
    const shown = displayPath(cwd, abs);
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message}\n`);
      return 1;
    }
    try {
      const result = await convertSource({ name: shown, bytes }, settings);
      converted.push({ source: shown, target: path.join(outDir, transcriptFileName(abs)), result });
      for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    } catch (err) {
      io.stderr(`${err instanceof ImportError ? err.message : `${shown}: ${(err as Error).message}`}\nNothing was written.\n`);
      return 1;
    }
  }

  // 2. What to write, by the same plan as the editor's import: the targets checked, the real
  // names merged into the project's identifiers file, its line in the project's .gitignore.
  const idFile = project !== undefined ? path.resolve(project, config.identifiers) : undefined;
  const idEntry = project !== undefined && idFile !== undefined ? path.relative(project, idFile).split(path.sep).join('/') : undefined;
  const place: ImportPlace = {
    readText,
    exists,
    identifiersPath: idFile,
    gitignore: project !== undefined && idEntry !== undefined && !idEntry.startsWith('../') ? { path: path.join(project, '.gitignore'), entry: idEntry } : undefined,
    informants: Object.keys(config.informants),
    shown: (p) => displayPath(cwd, p),
  };
  const writes = await planWrites(converted, place, {
    mayReplace: () => parsed.force,
    sourcePath: (shown) => path.resolve(cwd, shown),
  });
  if ('refused' in writes) {
    io.stderr(`${refusal(writes.refused, cwd, outDir, config.identifiers)}\nNothing was written.\n`);
    return 1;
  }
  const ids = writes.identifiers;
  for (const ch of ids?.changed ?? []) io.stderr(`warning: ${displayPath(cwd, ids!.path)}: ${ch.name} was ${ch.from}, now ${ch.to}\n`);

  // 3. Write.
  for (const f of writes.files) await writeFileAtomic(f.path, f.text);

  // 4. Report.
  const used = new Set<string>();
  for (const c of converted) {
    const r = c.result;
    const who = r.speakers
      .map((s) => {
        used.add(s.source.toLowerCase());
        const role = s.role === 'interviewer' ? 'interviewer' : s.role === 'group' ? 'several' : 'informant';
        const from = s.source !== s.label ? `${s.source} → ` : '';
        return `${from}${s.label} (${role}, ${s.turns} turn${s.turns === 1 ? '' : 's'})`;
      })
      .join(', ');
    io.stdout(`${c.source} → ${displayPath(cwd, c.target)}: ${r.turns} turns, ${r.words} words; speakers: ${who}\n`);
    if (r.layout) io.stdout(`  layout: ${r.layout} — ${LAYOUT_NAMES[r.layout]}${parsed.layout === r.layout ? ' (as --layout said)' : ' (recognised)'}\n`);
    for (const change of r.changes) io.stdout(`  changed: ${change}\n`);
  }
  for (const name of Object.keys(parsed.speakers)) {
    if (!used.has(name.toLowerCase())) io.stderr(`warning: --speaker "${name}=${parsed.speakers[name]}": no speaker "${name}" in the imported files\n`);
  }
  if (ids) {
    io.stdout(`real names → codes saved in ${displayPath(cwd, ids.path)}${writes.gitignore ? ` (added to ${displayPath(cwd, writes.gitignore)})` : ''}\n`);
  }
  // Real names in git history cannot be taken back: say so whenever the file is tracked.
  if (project !== undefined && idFile !== undefined) {
    const id = idFile;
    if ((await exists(id)) && (await gitTracks(project, id))) {
      const rel = path.relative(project, id).split(path.sep).join('/');
      io.stderr(
        `warning: ${displayPath(cwd, id)} is tracked by git, so the real names in it are in the repository: ` +
          `run \`git rm --cached ${rel}\` in ${project === cwd ? 'this folder' : displayPath(cwd, project)}, commit, and keep it in .gitignore (names already committed stay in the history)\n`,
      );
    }
  }
  return 0;
}

/** The first file named, past the options and their values (`qda import --out DIR thesis.qdpx`). */
function firstFile(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') return a;
    if (!a.includes('=') && (a === '-o' || IMPORT_VALUES.includes(a.slice(2)))) i++;
  }
  return undefined;
}

/** Why nothing is written, in the command line's words (the editor's are in core/import/plan.ts). */
function refusal(r: ImportRefusal, cwd: string, outDir: string, identifiers: string): string {
  switch (r.kind) {
    case 'same-target':
      return `${r.source}: would be written to ${displayPath(cwd, r.target)}, like ${r.other}; import them one at a time with different --out folders.`;
    case 'replaces-source':
      return `${r.source}: importing it into ${displayPath(cwd, outDir)} would replace the file itself; use --out or --force.`;
    case 'exists':
      return `${displayPath(cwd, r.target)} already exists (imported from ${r.source}?); use --force to overwrite it.`;
    case 'no-project':
      return (
        `qda import: the real names ${r.names.map((n) => `"${n}"`).join(', ')} would be saved in the project's ${identifiers}, but ${displayPath(cwd, outDir)} is in no project ` +
        `(no qda.yaml in it or a folder above it); give --project DIR, or create the project's qda.yaml first.`
      );
    case 'identifiers':
      return r.message;
  }
}

/** The nearest folder at or above `from` with a qda.yaml. */
async function findProject(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, 'qda.yaml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether git has `file` in the index of the repository around `dir` (false without git or a repository). */
function gitTracks(dir: string, file: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['ls-files', '--error-unmatch', '--', path.relative(dir, file)], { cwd: dir, timeout: 10_000 }, (err) => resolve(err === null));
  });
}

function displayPath(project: string, abs: string): string {
  const rel = path.relative(project, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

async function readText(p: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(p, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
