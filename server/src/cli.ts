#!/usr/bin/env node
// The `qda` command line: the same core as the editor, without VS Code.
import { CliError, type CliIo, nearest } from './cli/io';
import * as check from './cli/check';
import * as stats from './cli/stats';

type Command = { run(args: string[], io: CliIo): Promise<number> };

// The help: each command's lines, naming every option the command reads (cli/options.ts lists
// them; test/unit/cliOptions.test.ts holds the two together). `qda COMMAND --help` prints one entry.
const SELECT = '[--query EXPR | --saved NAME] [--scope overlap|turn|N]';
const FILTERS = '[--coder NAME] [--informant CODE] [--attribute NAME=VALUE] [--doc PATH] [--without-children]';
const FILTERS_HELP = `${' '.repeat(37)}filters: --coder, --informant, --attribute, --doc (repeatable or comma-separated) keep those codings;\n${' '.repeat(37)}--without-children: a code in the query without its child codes`;

const COMMANDS: Record<string, { module: () => Promise<Command>; help: string }> = {
  init: { module: async () => await import('./cli/init'), help: 'init [--language nb|en] [folder]   a new thesis project: qda.yaml, codebook.md, transcripts/, memos/, chapters/; keeps what is there' },
  check: { module: async () => check, help: 'check [--json] [folder]            every diagnostic the editor shows; exit 1 on errors' },
  stats: { module: async () => stats, help: 'stats [--json] [--codes] [folder]  documents, words, informants, codes, categories, codings per coder (--codes: per code)' },
  export: {
    module: async () => await import('./cli/export'),
    help: [
      'export codebook-md|codebook-docx|csv [--out FILE] [folder]      the codebook as an appendix or a table',
      '  export quotes-md|quotes-docx [--out FILE] [folder]            the quote bank: coded segments by theme › code (quotes-docx: quote-bank.docx by default)',
      '  export agreement-md|agreement-docx|agreement-csv --coders A,B [--unit char|turn|segment] [--codes X,Y] [--domain GROUP] [--overlap 0.5] [--out FILE] [folder]',
      '                                     the agreement table (as qda agree) for the method chapter',
      `  export matrix-csv|matrix-xlsx [--rows themes|groups|codes] [--cols informants|ATTRIBUTE] [--count codings|informants|words] ${SELECT} ${FILTERS} [--framework] [--out FILE] [folder]`,
      "                                     the matrix (as qda matrix); --framework: each cell's note or first segment",
      `  export segments-csv|segments-xlsx ${SELECT} ${FILTERS} [--out FILE] [folder]`,
      `  export segments-docx ${SELECT} ${FILTERS} [--title TEXT] --out FILE.docx [folder]`,
      '                                     the coded segments with informant, attributes, code and text, as the Coded Segments view lists them',
      `  export cooccur-csv|cooccur-xlsx ${SELECT} ${FILTERS} [--out FILE] [folder]`,
      `  export chart-svg [--chart bars|informants|cooccurrence] [--rows …] [--cols …] [--count …] ${SELECT} ${FILTERS} [--measure overlap|turn] [--top N|all] [--theme light|dark] [--title TEXT] [--out FILE] [folder]`,
      '  export qdpx --out FILE.qdpx [folder] | export qdc [--out FILE.qdc] [folder]   REFI-QDA project / codebook',
      '  export theme-report-html|theme-report-docx [--segments N] [--out FILE] [folder]   the theme report for supervisors (at most N segments per code)',
      '                                     without --out text goes to stdout; .docx, .xlsx and .qdpx need --out; FILE ends as the format does',
      "                                     (.md .docx .csv .xlsx .svg .html .qdpx .qdc) and is never one of the project's own files",
    ].join('\n'),
  },
  'split-codings': { module: async () => await import('./cli/split-codings'), help: 'split-codings [--dry-run] [folder]  move codings from .qda/codings/<coder>.jsonl (the old layout) to one file per coder and transcript' },
  query: {
    module: async () => await import('./cli/query'),
    help: `query EXPR | --saved NAME [--scope overlap|turn|N] [--by informant|code|doc] ${FILTERS} [--json] [folder]\n                                     coded segments matching "Tid og kø" AND NOT Ledelse (AND, OR, NOT, parentheses); --saved: a query in qda.yaml\n${FILTERS_HELP}`,
  },
  matrix: {
    module: async () => await import('./cli/matrix'),
    help: `matrix [--rows themes|groups|codes] [--cols informants|ATTRIBUTE] [--count codings|informants|words] ${SELECT} ${FILTERS} [--json] [folder]\n                                     code-by-case counts (a coding counts for the informant of the turn where it starts)\n${FILTERS_HELP}`,
  },
  cooccur: {
    module: async () => await import('./cli/cooccur'),
    help: `cooccur ${SELECT} ${FILTERS} [--json] [folder]\n                                     pairs of codes whose codings overlap or share a turn\n${FILTERS_HELP}`,
  },
  agree: { module: async () => await import('./cli/agree'), help: 'agree --coders A,B[,C…] [--unit char|turn|segment] [--codes X,Y] [--domain GROUP] [--overlap 0.5] [--json] [folder]\n                                     intercoder agreement: percent, Cohen\'s/Fleiss\' kappa, Krippendorff\'s alpha per code and overall' },
  review: { module: async () => await import('./cli/review'), help: 'review [--json] [--all] [folder]   open review threads and each theme\'s, group\'s and code\'s review status\n  review comment NAME TEXT | reply THREAD TEXT | resolve THREAD | reopen THREAD | status NAME proposed|needs-work|agreed [--author A] [folder]\n                                     what the Codebook tree does for reviewers, from a terminal (.qda/reviews/<author>.jsonl)' },
  import: {
    module: async () => await import('./cli/import'),
    help: 'import FILE… [--out DIR] [--project DIR] [--force] [--speaker "Name=CODE"]… [--interviewer NAME]… [--language nb|en] [--layout ID]\n                                     .vtt .srt .docx .txt .md → transcript Markdown; never overwrites without --force\n  import PROJECT.qdpx --out DIR [--language nb|en]; import codebook.qdc [--project DIR] [--rename | --replace]   (REFI-QDA)',
  },
};

export function registerCommand(name: string, module: () => Promise<Command>, help: string): void {
  COMMANDS[name] = { module, help };
}

function usage(): string {
  return ['Usage: qda <command> [options]   (qda <command> --help: that command alone)', '', 'Commands:', ...Object.values(COMMANDS).map((c) => '  ' + c.help), ''].join('\n');
}

/** Each command's help text (for the tests that hold it to the options each command reads). */
export function commandHelp(name: string): string | undefined {
  return COMMANDS[name]?.help;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    const near = nearest(name, Object.keys(COMMANDS));
    io.stderr(`qda: unknown command '${name}'${near ? ` (did you mean ${near}?)` : ''}\n${usage()}`);
    return 2;
  }
  // `qda matrix --help`: that command's usage, whatever else is on the line.
  const options = args.indexOf('--') === -1 ? args : args.slice(0, args.indexOf('--'));
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout(`Usage: qda ${command.help}\n`);
    return 0;
  }
  try {
    return await (await command.module()).run(args, { ...io, command: name });
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
  // `qda check | head`: the reader has gone, so the rest of the output has nowhere to go. A
  // Unix tool stops writing quietly then, as `cat` and `git log` do, instead of printing a
  // stack; the command still ends with its own exit code (check's 1 on errors).
  const gone = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      gone.add(stream);
    });
  }
  const write = (stream: NodeJS.WriteStream) => (s: string): void => {
    if (!gone.has(stream)) stream.write(s);
  };
  const io: CliIo = { stdout: write(process.stdout), stderr: write(process.stderr), cwd: process.cwd() };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
