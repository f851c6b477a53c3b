// What the real CLI (dist/cli.js) says about its arguments and the folder it is given: an
// unknown or mistyped option is an error with the nearest known one, never ignored nor allowed to
// take the next argument; `--help` after a command prints that command's usage; a folder that is
// no project is refused; the project's read errors are printed by every command, not only check;
// --out never writes over the project's own files nor a file of another format; the help names
// every option each command reads (cli/options.ts), and every invocation README.md shows parses.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commandHelp } from '../../server/src/cli';
import * as options from '../../server/src/cli/options';

const CLI = resolve('dist/cli.js');
const DEMO = resolve('examples/demo-thesis');
const COMMANDS = ['init', 'check', 'stats', 'export', 'split-codings', 'query', 'matrix', 'cooccur', 'agree', 'review', 'import'];

function qda(args: string[], cwd = process.cwd()): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, QDA_CODER: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The `--name` options a text mentions. */
function optionsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]));
}

describe('qda options, project folders and --out (dist/cli.js)', function () {
  this.timeout(60_000);
  let tmp: string;
  let project: string;
  before(function () {
    if (!existsSync(CLI)) this.skip();
  });
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'qda-cli-options-'));
    project = join(tmp, 'thesis');
    cpSync(DEMO, project, { recursive: true });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('unknown options', () => {
    it('a mistyped option is refused with the nearest known one, exit 2, nothing on stdout', () => {
      let r = qda(['matrix', '--rows', 'themes', '--col', 'role', project]);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.equal(r.err, 'qda matrix: unknown option --col (did you mean --cols?)\n');
      r = qda(['query', 'Tid og kø', '--informants', 'R1', project]);
      assert.equal(r.code, 2);
      assert.equal(r.err, 'qda query: unknown option --informants (did you mean --informant?)\n');
      r = qda(['agree', '--coder', 'anna,bjorn', project]);
      assert.equal(r.code, 2);
      assert.match(r.err, /unknown option --coder \(did you mean --coders\?\)/);
      r = qda(['stats', '-json', project]);
      assert.equal(r.code, 2);
      assert.match(r.err, /unknown option -json \(did you mean --json\?\)/);
    });

    it('an unknown option takes no argument: the folder after it is not analysed as its value', () => {
      // Run from a project folder: before, DEMO became the value of --bogus and the current folder was analysed.
      const r = qda(['matrix', '--bogus', DEMO], project);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.equal(r.err, 'qda matrix: unknown option --bogus (--help lists the options)\n');
    });

    it('an option of one export format is refused for another; a boolean takes no value; a value option needs one', () => {
      let r = qda(['export', 'csv', '--rows', 'themes', project]);
      assert.equal(r.code, 2);
      assert.match(r.err, /^qda export: option --rows does not apply to export csv \(it takes --out\)\n$/);
      r = qda(['matrix', '--json=yes', project]);
      assert.equal(r.code, 2);
      assert.match(r.err, /option --json takes no value/);
      r = qda(['matrix', '--rows', '--json', project]);
      assert.equal(r.code, 2);
      assert.match(r.err, /option --rows needs a value/);
      r = qda(['import', 'x.vtt', '--speakr', 'A=B']);
      assert.equal(r.code, 2);
      assert.match(r.err, /unknown option --speakr \(did you mean --speaker\?\)/);
    });

    it('a mistyped command is refused with the nearest one', () => {
      const r = qda(['matrx', DEMO]);
      assert.equal(r.code, 2);
      assert.match(r.err, /^qda: unknown command 'matrx' \(did you mean matrix\?\)\n/);
      assert.match(qda(['frobnicate', DEMO]).err, /^qda: unknown command 'frobnicate'\nUsage/);
    });

    it('--help or -h after any command prints its usage and exits 0', () => {
      let r = qda(['matrix', '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Usage: qda matrix \[--rows themes\|groups\|codes\] \[--cols informants\|ATTRIBUTE\]/);
      assert.equal(r.err, '');
      for (const name of COMMANDS) {
        r = qda([name, '-h']);
        assert.equal(r.code, 0, `${name}: ${r.err}`);
        assert.ok(r.out.startsWith(`Usage: qda ${name}`), `${name}: ${r.out}`);
      }
      // After other arguments too, and with a mistyped option on the line.
      r = qda(['export', 'matrix-csv', '--bogus', project, '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /export matrix-csv\|matrix-xlsx/);
    });
  });

  describe('a folder that is not a project', () => {
    it('is refused by every command that reads a project, exit 2, nothing on stdout', () => {
      const empty = join(tmp, 'downloads');
      mkdirSync(empty);
      for (const args of [['matrix', '--json'], ['query', '"Tid og kø"'], ['cooccur'], ['check'], ['stats'], ['export', 'segments-csv'], ['review'], ['agree', '--coders', 'a,b'], ['split-codings']]) {
        const r = qda([...args, empty]);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.out, '', args.join(' '));
        assert.equal(r.err, `qda ${args[0]}: ${empty}: not a Thesis QDA project (no qda.yaml); run qda init there, or give the project folder\n`);
      }
      // Without a folder argument: the current folder, named in full.
      const r = qda(['matrix'], empty);
      assert.equal(r.code, 2);
      assert.match(r.err, /: not a Thesis QDA project \(no qda\.yaml\)/);
    });

    it('a folder with a codebook.md and no qda.yaml is a project (as for the extension: qda.yaml is optional)', () => {
      const bare = join(tmp, 'bare');
      mkdirSync(bare);
      writeFileSync(join(bare, 'codebook.md'), '# Kodebok\n\n## Tema\n\n- **Kode** — en kode\n');
      const r = qda(['stats', '--json', bare]);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).codes, 1);
    });

    it('init and import still work where there is no project yet', () => {
      const qdc = join(tmp, 'demo.qdc');
      assert.equal(qda(['export', 'qdc', '--out', qdc, project]).code, 0);
      const fresh = join(tmp, 'fresh');
      mkdirSync(fresh);
      let r = qda(['import', qdc, '--project', fresh]);
      assert.equal(r.code, 0, r.err);
      assert.ok(existsSync(join(fresh, 'codebook.md')));
      r = qda(['init', join(tmp, 'new')]);
      assert.equal(r.code, 0, r.err);
      assert.ok(existsSync(join(tmp, 'new', 'qda.yaml')));
    });
  });

  describe("the project's read errors", () => {
    const breakConfig = (root: string): void => {
      const file = join(root, 'qda.yaml');
      // A flow map without its closing brace: qda.yaml does not parse, the defaults are used.
      writeFileSync(file, readFileSync(file, 'utf8').replace('group: kommuneintervju }', 'group: kommuneintervju'));
    };
    const codingsFile = (root: string): string => join(root, '.qda/codings/anna/transcripts/intervju-R2.md.jsonl');

    it('every command but check prints them on stderr and still does its work, exit unchanged', () => {
      breakConfig(project);
      const warning = (name: string) => new RegExp(`^qda ${name}: warning: qda\\.yaml:\\d+: qda\\.yaml does not parse \\(line \\d+\\)`, 'm');
      for (const args of [['matrix'], ['query', '"Tid og kø"'], ['cooccur'], ['stats'], ['review'], ['agree', '--coders', 'anna,bjorn']]) {
        const r = qda([...args, project]);
        assert.equal(r.code, 0, r.err);
        assert.notEqual(r.out, '', args.join(' '));
        assert.match(r.err, warning(args[0]));
      }
      for (const format of ['codebook-md', 'csv', 'quotes-md', 'matrix-csv', 'segments-csv', 'cooccur-csv', 'chart-svg', 'qdc', 'theme-report-html', 'agreement-csv']) {
        const r = qda(['export', format, ...(format === 'agreement-csv' ? ['--coders', 'anna,bjorn'] : []), project]);
        assert.equal(r.code, 0, `${format}: ${r.err}`);
        assert.notEqual(r.out, '', format);
        assert.match(r.err, warning('export'), format);
      }
      // check prints them as its own diagnostics, once.
      const r = qda(['check', project]);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.err, /warning/);
      assert.match(r.out, /^qda\.yaml:\d+:\d+: error qda\.configParse: /m);
    });

    it('a malformed line of a codings file is named with its file and line (1-based)', () => {
      const before = JSON.parse(qda(['stats', '--json', project]).out).codings as number;
      const file = codingsFile(project);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[2] = lines[2].replace(/^\{/, '{oops ');
      writeFileSync(file, lines.join('\n'));
      const r = qda(['stats', '--json', project]);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).codings, before - 1);
      assert.match(r.err, /^qda stats: warning: \.qda\/codings\/anna\/transcripts\/intervju-R2\.md\.jsonl:3: Line 3 is not a valid coding/m);
      assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
    });

    it('at most ten, then how many more and that qda check lists them', () => {
      const file = codingsFile(project);
      const lines = readFileSync(file, 'utf8').split('\n');
      assert.ok(lines.length > 13);
      for (let i = 0; i < 12; i++) lines[i] = 'not json ' + i;
      writeFileSync(file, lines.join('\n'));
      const r = qda(['matrix', project]);
      assert.equal(r.code, 0, r.err);
      const said = r.err.split('\n').filter(Boolean);
      assert.equal(said.length, 11, r.err);
      assert.ok(said.slice(0, 10).every((l) => l.startsWith('qda matrix: warning: .qda/codings/anna/transcripts/intervju-R2.md.jsonl:')));
      assert.equal(said[10], 'qda matrix: warning: … and 2 more; run qda check');
    });

    it('a project that reads cleanly: nothing on stderr', () => {
      const r = qda(['matrix', project]);
      assert.equal(r.code, 0);
      assert.equal(r.err, '');
    });
  });

  describe('--out', () => {
    const refused = (args: string[], file: string, what: RegExp): void => {
      const before = existsSync(file) ? readFileSync(file) : undefined;
      const r = qda(['export', ...args, '--out', file, project]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, what);
      assert.match(r.err, /nothing was written|give a file name ending in/);
      if (before) assert.deepEqual(readFileSync(file), before, `${file} changed`);
      else assert.ok(!existsSync(file), `${file} was written`);
    };

    it("never writes over the project's own files", () => {
      const own = /that is (the project's|a |part of|a path the project would read)/;
      refused(['codebook-md'], join(project, 'codebook.md'), own);
      refused(['quotes-md'], join(project, 'transcripts/intervju-R2.md'), own);
      refused(['quotes-md'], join(project, 'memos/sitater.md'), own);
      refused(['csv'], join(project, '.qda/codings/anna/x.csv'), own);
      refused(['matrix-csv'], join(project, '.qda/matrix.csv'), own);
      refused(['matrix-csv'], join(project, '.git/matrix.csv'), /part of the project's git repository/);
      // Relative to where the command runs, too.
      const r = qda(['export', 'codebook-md', '--out', 'codebook.md', '.'], project);
      assert.equal(r.code, 2);
      assert.match(r.err, /--out codebook\.md: that is the project's codebook/);
    });

    it('refuses a file whose ending does not fit the format', () => {
      refused(['matrix-csv'], join(project, 'codebook.md'), /matrix-csv writes a \.csv file/);
      refused(['matrix-csv'], join(project, 'qda.yaml'), /matrix-csv writes a \.csv file/);
      refused(['csv'], join(tmp, 'wrong.xlsx'), /--out .*wrong\.xlsx: csv writes a \.csv file; give a file name ending in \.csv/);
      refused(['segments-xlsx'], join(tmp, 'segments.csv'), /segments-xlsx writes a \.xlsx file/);
      refused(['chart-svg'], join(tmp, 'chart.png'), /chart-svg writes a \.svg file/);
      refused(['qdpx'], join(tmp, 'thesis.zip'), /qdpx writes a \.qdpx file/);
      refused(['theme-report-docx'], join(tmp, 'report.html'), /theme-report-docx writes a \.docx file/);
    });

    it('writes over an earlier export (re-exporting is normal), in the project folder too', () => {
      for (const [format, file] of [['matrix-csv', join(project, 'matrix.csv')], ['codebook-md', join(project, 'appendix/codebook.md')], ['segments-xlsx', join(tmp, 'Segments.XLSX')], ['theme-report-html', join(tmp, 'report.htm')]]) {
        for (let i = 0; i < 2; i++) {
          const r = qda(['export', format, '--out', file, project]);
          assert.equal(r.code, 0, `${format}: ${r.err}`);
          assert.match(r.err, /^Wrote /);
        }
      }
    });
  });

  describe('the help and the options each command reads', () => {
    it('qda --help lists every export format and every option of matrix', () => {
      const r = qda(['--help']);
      assert.equal(r.code, 0);
      for (const format of Object.keys(options.EXPORT_FORMATS)) assert.match(r.out, new RegExp(`[ |]${format}[ |]`), format);
      for (const option of [...options.MATRIX.booleans, ...options.MATRIX.values]) assert.ok(commandHelp('matrix')!.includes(`--${option}`), option);
      assert.match(r.out, /--doc PATH/);
      assert.match(r.out, /--saved NAME/);
      assert.match(r.out, /--without-children/);
    });

    it("each command's help names exactly the options it reads", () => {
      const specs: Record<string, options.OptionSpec> = {
        init: options.INIT,
        check: options.CHECK,
        stats: options.STATS,
        'split-codings': options.SPLIT_CODINGS,
        query: options.QUERY,
        matrix: options.MATRIX,
        cooccur: options.COOCCUR,
        agree: options.AGREE,
        review: options.REVIEW,
      };
      for (const [name, spec] of Object.entries(specs)) {
        assert.deepEqual([...optionsIn(commandHelp(name)!)].sort(), [...spec.booleans, ...spec.values].sort(), name);
      }
      // export: each line's formats and the options on that line.
      const lines = commandHelp('export')!.split('\n').filter((l) => /^\s*export /.test(l));
      const covered = new Set<string>();
      for (const line of lines) {
        for (const part of line.split(' | export ').map((p, i) => (i ? 'export ' + p : p))) {
          const m = /export ([a-z0-9|-]+)/.exec(part)!;
          for (const format of m[1].split('|')) {
            const spec = options.EXPORT_FORMATS[format];
            assert.ok(spec, `help names an unknown export format ${format}`);
            covered.add(format);
            const said = [...optionsIn(part)];
            const reads = [...spec.booleans, ...spec.values];
            for (const o of said) assert.ok(reads.includes(o), `export ${format}: help names --${o}, which it does not read`);
            for (const o of reads) assert.ok(said.includes(o), `export ${format} reads --${o}, which its help does not name`);
          }
        }
      }
      assert.deepEqual([...covered].sort(), Object.keys(options.EXPORT_FORMATS).sort());
      // import: the transcript import's options and the REFI-QDA import's.
      for (const o of ['out', 'project', 'force', 'speaker', 'interviewer', 'language', 'layout', ...options.IMPORT_REFI.booleans, ...options.IMPORT_REFI.values]) assert.ok(optionsIn(commandHelp('import')!).has(o), `import --${o}`);
    });

    it('every invocation README.md shows still parses', () => {
      // The options README's command lines name are among those the command reads.
      const readme = readFileSync('README.md', 'utf8');
      const shown = [...readme.matchAll(/^node dist\/cli\.js ([a-z-]+) (.*)$/gm)];
      assert.ok(shown.length >= 15, 'README lists the commands');
      for (const [, name, rest] of shown) {
        if (name === 'import') continue; // its own parser; run below
        const formats = name === 'export' ? /^([a-z0-9|-]+)/.exec(rest)![1].split('|') : [undefined];
        for (const format of formats) {
          const spec = format ? options.EXPORT_FORMATS[format] : ({ init: options.INIT, check: options.CHECK, stats: options.STATS, 'split-codings': options.SPLIT_CODINGS, query: options.QUERY, matrix: options.MATRIX, cooccur: options.COOCCUR, agree: options.AGREE, review: options.REVIEW } as Record<string, options.OptionSpec>)[name];
          assert.ok(spec, `${name} ${format ?? ''}`);
          for (const o of optionsIn(rest.replace(/#.*/, ''))) assert.ok([...spec.booleans, ...spec.values].includes(o), `README: qda ${name} ${format ?? ''} --${o}`);
        }
      }
      // And run, as README writes them.
      const runs: string[][] = [
        ['check', '--json'],
        ['stats', '--json', '--codes'],
        ['split-codings', '--dry-run'],
        ['query', '"Tid og kø" AND NOT "Ledelse av innføringen"', '--scope', 'turn', '--by', 'code', '--json'],
        ['query', '--saved', 'Opplæring uten ledelse', '--json'],
        ['query', '"Tid og kø"', '--coder', 'anna', '--informant', 'R1,R2', '--attribute', 'role=rådgiver', '--doc', 'transcripts/intervju-R2.md', '--without-children'],
        ['matrix', '--rows', 'themes', '--cols', 'role', '--count', 'informants', '--json'],
        ['matrix', '--query', '"Tid og kø"', '--scope', '2', '--coder', 'anna', '--doc', 'transcripts/intervju-R2.md', '--without-children'],
        ['matrix', '--saved', 'Opplæring uten ledelse'],
        ['cooccur', '--json'],
        ['cooccur', '--coder', 'anna', '--without-children', '--query', '"Tid og kø"'],
        ['agree', '--coders', 'anna,bjorn', '--unit', 'segment', '--overlap', '0.5', '--json'],
        ['agree', '--coders', 'anna,bjorn', '--unit', 'turn', '--codes', 'Tid og kø'],
        ['review', '--json', '--all'],
        ['review', 'comment', 'Tid og kø', 'Er dette krysspress?', '--author', 'veileder'],
        ['export', 'codebook-md'],
        ['export', 'csv', '--out', join(tmp, 'codebook.csv')],
        ['export', 'quotes-docx', '--out', join(tmp, 'bank.docx')],
        ['export', 'matrix-csv', '--rows', 'themes', '--cols', 'role', '--out', join(tmp, 'm.csv')],
        ['export', 'matrix-xlsx', '--framework', '--rows', 'themes', '--cols', 'role', '--out', join(tmp, 'f.xlsx')],
        ['export', 'segments-docx', '--query', '"Tid og kø"', '--attribute', 'role=rådgiver', '--title', 'Tid', '--out', join(tmp, 's.docx')],
        ['export', 'cooccur-xlsx', '--out', join(tmp, 'c.xlsx')],
        ['export', 'chart-svg', '--chart', 'cooccurrence', '--measure', 'turn', '--top', 'all', '--theme', 'dark', '--title', 'T', '--out', join(tmp, 'c.svg')],
        ['export', 'chart-svg', '--chart', 'informants', '--rows', 'codes', '--cols', 'role', '--top', '5'],
        ['export', 'agreement-md', '--coders', 'anna,bjorn', '--unit', 'char', '--out', join(tmp, 'a.md')],
        ['export', 'qdpx', '--out', join(tmp, 'thesis.qdpx')],
        ['export', 'qdc'],
        ['export', 'theme-report-html', '--out', join(tmp, 'rapport.html'), '--segments', '3'],
      ];
      for (const args of runs) {
        const r = qda([...args, project]);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      }
      let r = qda(['import', join(tmp, 'thesis.qdpx'), '--out', join(tmp, 'back'), '--language', 'nb']);
      assert.equal(r.code, 0, r.err);
      // The options before the file, too.
      r = qda(['import', '--out', join(tmp, 'back2'), join(tmp, 'thesis.qdpx')]);
      assert.equal(r.code, 0, r.err);
      r = qda(['init', '--language', 'nb', join(tmp, 'ny')]);
      assert.equal(r.code, 0, r.err);
    });
  });
});
