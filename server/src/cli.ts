#!/usr/bin/env node
// The `qda` command line: the same core as the editor, without VS Code.
import { CliError, type CliIo } from './cli/io';
import * as check from './cli/check';
import * as stats from './cli/stats';

type Command = { run(args: string[], io: CliIo): Promise<number> };

const COMMANDS: Record<string, { module: () => Promise<Command>; help: string }> = {
  init: { module: async () => await import('./cli/init'), help: 'init [--language nb|en] [folder]   a new thesis project: qda.yaml, codebook.md, transcripts/, memos/, chapters/; keeps what is there' },
  check: { module: async () => check, help: 'check [--json] [folder]            every diagnostic the editor shows; exit 1 on errors' },
  stats: { module: async () => stats, help: 'stats [--json] [--codes] [folder]  documents, words, informants, codes, categories, codings per coder (--codes: per code)' },
  export: { module: async () => await import('./cli/export'), help: 'export codebook-md|codebook-docx|csv|quotes-docx|quotes-md|agreement-md|agreement-docx|agreement-csv|matrix-csv|segments-csv|cooccur-csv|qdpx|qdc|theme-report-html|theme-report-docx [--out FILE] [folder]\n                                     the codebook as an appendix or table; the quote bank: coded segments by theme › code; REFI-QDA project/codebook;\n                                     the theme report for supervisors (--segments N: at most N segments per code)' },
  'split-codings': { module: async () => await import('./cli/split-codings'), help: 'split-codings [--dry-run] [folder]  move codings from .qda/codings/<coder>.jsonl (the old layout) to one file per coder and transcript' },
  query: { module: async () => await import('./cli/query'), help: 'query EXPR [--scope overlap|turn|N] [--by informant|code|doc] [--coder NAME] [--informant CODE] [--attribute NAME=VALUE] [--json] [folder]\n                                     coded segments matching "Tid og kø" AND NOT Ledelse (AND, OR, NOT, parentheses)' },
  matrix: { module: async () => await import('./cli/matrix'), help: 'matrix [--rows themes|groups|codes] [--cols informants|ATTRIBUTE] [--count codings|informants|words] [--query EXPR] [--json] [folder]\n                                     code-by-case counts (a coding counts for the informant of the turn where it starts)' },
  cooccur: { module: async () => await import('./cli/cooccur'), help: 'cooccur [--coder NAME] [--json] [folder]  pairs of codes whose codings overlap or share a turn' },
  agree: { module: async () => await import('./cli/agree'), help: 'agree --coders A,B[,C…] [--unit char|turn|segment] [--codes X,Y] [--domain GROUP] [--overlap 0.5] [--json] [folder]\n                                     intercoder agreement: percent, Cohen\'s/Fleiss\' kappa, Krippendorff\'s alpha per code and overall' },
  review: { module: async () => await import('./cli/review'), help: 'review [--json] [--all] [folder]   open review threads and each theme\'s, group\'s and code\'s review status\n  review comment NAME TEXT | reply THREAD TEXT | resolve THREAD | reopen THREAD | status NAME proposed|needs-work|agreed [--author A] [folder]\n                                     what the Codebook tree does for reviewers, from a terminal (.qda/reviews/<author>.jsonl)' },
  import: { module: async () => await import('./cli/import'), help: 'import FILE… [--out DIR] [--project DIR] [--force] [--speaker "Name=CODE"]… [--interviewer NAME]… [--language nb|en]\n                                     .vtt .srt .docx .txt .md → transcript Markdown; never overwrites without --force\n                                     PROJECT.qdpx --out DIR; codebook.qdc [--project DIR] [--rename | --replace] (REFI-QDA)' },
};

export function registerCommand(name: string, module: () => Promise<Command>, help: string): void {
  COMMANDS[name] = { module, help };
}

function usage(): string {
  return ['Usage: qda <command> [options]', '', 'Commands:', ...Object.values(COMMANDS).map((c) => '  ' + c.help), ''].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`qda: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.module()).run(args, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`qda ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`qda ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // `qda matrix | head`: the reader has gone, so the rest of the output has nowhere to go. A
  // Unix tool stops quietly then, as `cat` and `git log` do, instead of printing a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const io: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
