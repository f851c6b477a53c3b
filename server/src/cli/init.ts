// `qda init [--language nb|en] [DIR]`: a new thesis project in DIR (default: here). What is there
// stays: see core/ops/scaffold.ts.
import * as path from 'node:path';
import { mkdirSync, statSync } from 'node:fs';
import { NodeFileSystem } from '../nodeFs';
import { scaffoldProject } from '../core/ops/scaffold';
import { CliError, parseArgs, type CliIo } from './io';
import { INIT } from './options';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, INIT);
  if (positional.length > 1) throw new CliError(`one folder at most, not ${positional.length}`);
  const language = flags.get('language')?.at(-1) ?? 'en';
  if (language !== 'en' && language !== 'nb') throw new CliError(`--language must be nb or en, not '${language}'`);
  const root = path.resolve(io.cwd, positional[0] ?? '.');
  try {
    if (!statSync(root).isDirectory()) throw new CliError(`${root} is a file, not a folder`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    mkdirSync(root, { recursive: true });
  }
  const result = await scaffoldProject(new NodeFileSystem(root), { language });
  const shown = path.relative(io.cwd, root) || '.';
  for (const f of result.created) io.stdout(`created  ${f}\n`);
  for (const f of result.extended) io.stdout(`extended ${f}\n`);
  for (const f of result.kept) io.stdout(`kept     ${f} (already there)\n`);
  io.stdout(
    result.created.length + result.extended.length === 0
      ? `${shown} is already a Thesis QDA project; nothing changed.\n`
      : `Thesis QDA project ready in ${shown}. Next: qda import FILE… --out ${path.join(shown, 'transcripts')}\n`,
  );
  return 0;
}
