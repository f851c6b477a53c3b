// Shared by the CLI commands: output streams, loading a project folder, argument parsing.
import * as path from 'node:path';
import { promises as fsp, statSync } from 'node:fs';
import { NodeFileSystem } from '../nodeFs';
import { Project } from '../core/project/project';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
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

/** `--name value`, `--name=value` and boolean `--name` (when listed in booleans). */
export function parseArgs(args: string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    let value: string;
    if (eq !== -1) value = a.slice(eq + 1);
    else if (booleans.includes(name)) value = 'true';
    else {
      if (i + 1 >= args.length) throw new CliError(`option --${name} needs a value`);
      value = args[++i];
    }
    const list = flags.get(name) ?? [];
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

export async function loadProject(folderArg: string | undefined, io: CliIo): Promise<Project> {
  const root = path.resolve(io.cwd, folderArg ?? '.');
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new CliError(`${folderArg ?? root}: no such project folder`);
  const project = new Project(new NodeFileSystem(root), process.env.QDA_CODER || 'coder');
  await project.load();
  return project;
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
