// qda import FILE… [--out DIR] [--force] [--speaker "Kari Nordmann=R2"]… [--interviewer NAME]… [--language nb|en]
//
// Converts each file to transcript Markdown in DIR (default: transcripts/ of the project folder,
// the current directory). All files are converted before anything is written: one bad file
// means nothing is written. An existing transcript is never overwritten without --force.
// Real names mapped with --speaker/--interviewer go to the identifiers file (qda.yaml
// `identifiers`, default .qda/identifiers.yaml), which is added to .gitignore when created.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../core/config';
import { writeFileAtomic } from '../core/nodeFs';
import { ImportError, importTranscript, transcriptFileName, type ImportResult, type Language } from '../core/import/index';
import { gitignoreWith, mergeIdentifiers } from '../core/import/identifiers';
import type { CliIo } from './io';


const USAGE = 'usage: qda import FILE... [--out DIR] [--force] [--speaker "Real Name=CODE"]... [--interviewer NAME]... [--language nb|en]';

interface ImportArgs {
  files: string[];
  out?: string;
  force: boolean;
  speakers: Record<string, string>;
  interviewers: string[];
  language?: Language;
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
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
        a.files.push(arg);
    }
  }
  if (a.files.length === 0) return 'no files given';
  return a;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  // A REFI-QDA project is a whole project, not a transcript: cli/import-refi.ts.
  const first = args.find((a) => !a.startsWith('-'));
  if (first && /\.(qdpx|qdc)$/i.test(first)) return (await import('./import-refi')).run(args, io);
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`qda import: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const project = io.cwd;
  const configText = await readText(path.join(project, 'qda.yaml'));
  const { config, diagnostics } = parseConfig(configText);
  for (const d of diagnostics) io.stderr(`warning: ${d.message}\n`);
  const language = parsed.language ?? config.language;
  const outDir = path.resolve(project, parsed.out ?? 'transcripts');

  // 1. Convert everything in memory.
  const converted: { file: string; target: string; result: ImportResult }[] = [];
  for (const file of parsed.files) {
    const abs = path.resolve(project, file);
    const shown = displayPath(project, abs);
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message}\n`);
      return 1;
    }
    try {
      const result = await importTranscript(shown, bytes, {
        speakers: parsed.speakers,
        interviewers: [...config.interviewers, ...parsed.interviewers],
        language,
      });
      converted.push({ file: shown, target: path.join(outDir, transcriptFileName(abs)), result });
      for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    } catch (err) {
      io.stderr(`${err instanceof ImportError ? err.message : `${shown}: ${(err as Error).message}`}\nNothing was written.\n`);
      return 1;
    }
  }

  // 2. Check the targets before writing any of them.
  const seen = new Map<string, string>();
  for (const c of converted) {
    const other = seen.get(c.target);
    if (other) {
      io.stderr(`${c.file}: would be written to ${displayPath(project, c.target)}, like ${other}; import them one at a time with different --out folders.\nNothing was written.\n`);
      return 1;
    }
    seen.set(c.target, c.file);
    if (path.resolve(c.target) === path.resolve(project, c.file) && !parsed.force) {
      io.stderr(`${c.file}: importing it into ${displayPath(project, outDir)} would replace the file itself; use --out or --force.\nNothing was written.\n`);
      return 1;
    }
    if (!parsed.force && (await exists(c.target))) {
      io.stderr(`${displayPath(project, c.target)} already exists (imported from ${c.file}?); use --force to overwrite it.\nNothing was written.\n`);
      return 1;
    }
  }

  // 3. Identifiers: real names mapped on this import.
  const identifiers: Record<string, string> = {};
  for (const c of converted) Object.assign(identifiers, c.result.identifiers);
  const idPath = path.resolve(project, config.identifiers);
  let idText: string | undefined;
  let idCreated = false;
  if (Object.keys(identifiers).length > 0) {
    const before = await readText(idPath);
    try {
      const merged = mergeIdentifiers(displayPath(project, idPath), before, identifiers);
      for (const ch of merged.changed) io.stderr(`warning: ${displayPath(project, idPath)}: ${ch.name} was ${ch.from}, now ${ch.to}\n`);
      idText = merged.text;
      idCreated = before === undefined;
    } catch (err) {
      io.stderr(`${(err as Error).message}\nNothing was written.\n`);
      return 1;
    }
  }

  // 4. Write.
  for (const c of converted) await writeFileAtomic(c.target, c.result.markdown);
  if (idText !== undefined) {
    await writeFileAtomic(idPath, idText);
    if (idCreated) {
      const rel = path.relative(project, idPath).split(path.sep).join('/');
      if (!rel.startsWith('../')) {
        const gi = path.join(project, '.gitignore');
        const next = gitignoreWith(await readText(gi), rel);
        if (next !== undefined) await writeFileAtomic(gi, next);
      }
    }
  }

  // 5. Report.
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
    io.stdout(`${c.file} → ${displayPath(project, c.target)}: ${r.turns} turns, ${r.words} words; speakers: ${who}\n`);
  }
  for (const name of Object.keys(parsed.speakers)) {
    if (!used.has(name.toLowerCase())) io.stderr(`warning: --speaker "${name}=${parsed.speakers[name]}": no speaker "${name}" in the imported files\n`);
  }
  if (idText !== undefined) io.stdout(`real names → codes saved in ${displayPath(project, idPath)}${idCreated ? ' (added to .gitignore)' : ''}\n`);
  return 0;
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
