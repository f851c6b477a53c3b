// Shared by the CLI commands: output streams, loading a project folder, argument parsing.
import * as path from 'node:path';
import { existsSync, promises as fsp, readdirSync, statSync } from 'node:fs';
import { NodeFileSystem } from '../nodeFs';
import { Project } from '../core/project/project';
import { CODINGS_DIR, CONFIG_FILE } from '../core/parse/config';
import type { QdaDiagnostic } from '../core/model/model';
import { LineIndex } from '../core/text/text';
import { EXPORT, EXPORT_FORMATS, exportExtensions, type OptionSpec } from './options';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  /** The command being run (`matrix`, `export`, …), for the warnings it prints; set by main. */
  command?: string;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/**
 * `--name value`, `--name=value` and boolean `--name`, for the options in `spec` only: any other
 * option is an error (with the nearest known one when it is close), never ignored. `--` ends
 * the options.
 */
export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const known = [...spec.booleans, ...spec.values];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (/^-[A-Za-z]/.test(a)) throw new CliError(unknownOption(a, known));
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    let value: string;
    if (spec.booleans.includes(name)) {
      if (eq !== -1) throw new CliError(`option --${name} takes no value`);
      value = 'true';
    } else if (spec.values.includes(name)) {
      if (eq !== -1) value = a.slice(eq + 1);
      else {
        const next = args[i + 1];
        // `--rows --json`: the next option is not the value of this one.
        if (next === undefined || (next.startsWith('--') && known.includes(next.slice(2).split('=')[0]))) throw new CliError(`option --${name} needs a value`);
        value = next;
        i++;
      }
    } else throw new CliError(unknownOption(a.slice(0, eq === -1 ? undefined : eq), known));
    const list = flags.get(name) ?? [];
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

/** Refuses the options `spec` does not have (parsed with a wider spec, e.g. every export format's). */
export function onlyOptions(parsed: ParsedArgs, spec: OptionSpec, what: string): void {
  const known = [...spec.booleans, ...spec.values];
  for (const name of parsed.flags.keys()) {
    if (!known.includes(name)) throw new CliError(`option --${name} does not apply to ${what}${known.length ? ` (it takes ${known.map((k) => '--' + k).join(', ')})` : ''}`);
  }
}

/** `unknown option --col (did you mean --cols?)`. */
export function unknownOption(given: string, known: readonly string[]): string {
  const near = nearest(given.replace(/^-+/, ''), known);
  return `unknown option ${given} ${near ? `(did you mean --${near}?)` : '(--help lists the options)'}`;
}

/** The known name closest to `name` by edit distance (a transposition counts one), when it is close. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const typed = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(typed) && typed.length >= 3 ? 1 : editDistance(typed, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  const limit = typed.length <= 3 ? 1 : typed.length <= 6 ? 2 : 3;
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export interface LoadOptions {
  /**
   * Whether the folder must be a project: a qda.yaml, or a codebook.md (the files the extension
   * starts on, README › Install). Default true; `qda import codebook.qdc` makes one.
   */
  requireProject?: boolean;
  /** Whether to print the project's read errors on stderr (default true; `qda check` prints them itself). */
  warnings?: boolean;
}

/** Warnings printed after loading, at most; the rest are counted. */
const MAX_WARNINGS = 10;

export async function loadProject(folderArg: string | undefined, io: CliIo, options: LoadOptions = {}): Promise<Project> {
  const root = path.resolve(io.cwd, folderArg ?? '.');
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new CliError(`${folderArg ?? root}: no such project folder`);
  if (options.requireProject !== false && !existsSync(path.join(root, CONFIG_FILE)) && !existsSync(path.join(root, 'codebook.md'))) {
    throw new CliError(`${folderArg ?? root}: not a Thesis QDA project (no ${CONFIG_FILE}); run qda init there, or give the project folder`);
  }
  const project = new Project(new NodeFileSystem(root), process.env.QDA_CODER || 'coder');
  await project.load();
  if (options.warnings !== false) printReadErrors(project, root, io);
  return project;
}

/**
 * The errors of reading the project's files (qda.yaml, the codebook, transcripts, codings files)
 * on stderr: what the command computed is without what they hide (default settings, a coding
 * skipped), so it says so instead of answering as if all were well.
 */
function printReadErrors(project: Project, root: string, io: CliIo): void {
  const disabled = project.config.disabledChecks;
  const errors = [...project.parseDiagnostics(), ...codingsFileDiagnostics(project, root)].filter((d) => d.severity === 'error' && !disabled.includes(d.code));
  if (errors.length === 0) return;
  const prefix = `qda${io.command ? ' ' + io.command : ''}: warning: `;
  const indexes = new Map<string, LineIndex>();
  for (const d of errors.slice(0, MAX_WARNINGS)) {
    let li = indexes.get(d.path);
    if (!li) indexes.set(d.path, (li = new LineIndex(project.textOf(d.path) ?? '')));
    io.stderr(`${prefix}${d.path}:${li.positionAt(d.range.start).line + 1}: ${d.message}\n`);
  }
  if (errors.length > MAX_WARNINGS) io.stderr(`${prefix}… and ${errors.length - MAX_WARNINGS} more; run qda check\n`);
}

/** The codings files' own diagnostics (lines that do not parse, conflict markers), by path. */
function codingsFileDiagnostics(project: Project, root: string): QdaDiagnostic[] {
  let files: string[];
  try {
    files = readdirSync(path.join(root, CODINGS_DIR), { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  const out: QdaDiagnostic[] = [];
  for (const f of files.map((f) => CODINGS_DIR + f.split(path.sep).join('/')).sort()) out.push(...(project.codingsFile(f)?.diagnostics ?? []));
  return out;
}

/** The folder a project loaded by loadProject was read from. */
export function projectRoot(project: Project): string {
  if (!(project.fs instanceof NodeFileSystem)) throw new Error('a CLI project is read from a folder');
  return project.fs.root;
}

/**
 * Where an export goes with --out FILE: refused (nothing written) when FILE does not end as the
 * format's files do (CSV text in a .xlsx), and, given the project, when it is one of the
 * project's own files — qda.yaml, the codebook, a transcript, memo, chapter or framework notes
 * (or a path its settings would read as one), anything under .qda/, the identifiers file.
 * Writing over an earlier export is fine.
 */
export function checkOutFile(outArg: string, format: string, io: CliIo, project?: Project): string {
  const out = path.resolve(io.cwd, outArg);
  const extensions = exportExtensions(format);
  if (!extensions.some((e) => out.toLowerCase().endsWith(e))) {
    throw new CliError(`--out ${outArg}: ${format} writes a ${extensions[0]} file; give a file name ending in ${extensions[0]}`);
  }
  if (project) {
    const rel = path.relative(projectRoot(project), out).split(path.sep).join('/');
    if (rel !== '' && !rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel)) {
      const role = project.roleOf(rel);
      const what =
        rel === CONFIG_FILE ? "the project's settings"
        : rel === project.config.identifiers ? "the project's identifiers file (real names)"
        : rel.startsWith('.qda/') ? "part of the project's data (.qda/)"
        : rel === '.git' || rel.startsWith('.git/') ? "part of the project's git repository (.git/)"
        : role === 'codebook' ? "the project's codebook"
        : role === 'framework' ? "the project's framework notes"
        : role === 'transcript' || role === 'memo' || role === 'chapter' ? project.hasFile(rel) ? `a ${role} of the project` : `a path the project would read as a ${role}`
        : undefined;
      if (what) throw new CliError(`--out ${outArg}: that is ${what}; exports never write the project's own files: choose a file outside them (nothing was written)`);
    }
  }
  return out;
}

/** Writes an export atomically (a temporary file beside it, then a rename): never half a file. */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    await fsp.writeFile(tmp, content);
    await fsp.rename(tmp, file);
  } catch (err) {
    throw new CliError(`${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * `qda export FORMAT …`: parsed with every format's options (to find FORMAT among them), then
 * held to FORMAT's own (options.ts EXPORT_FORMATS).
 */
export function parseExportArgs(args: string[]): ParsedArgs {
  const parsed = parseArgs(args, EXPORT);
  const format = parsed.positional[0];
  const own = format === undefined ? undefined : EXPORT_FORMATS[format];
  if (own) onlyOptions(parsed, own, `export ${format}`);
  return parsed;
}
