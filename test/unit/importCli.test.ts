// Where `qda import` writes what belongs to the project: the identifiers file and its
// .gitignore line go to the project that will hold the transcripts (the nearest folder at or
// above --out with a qda.yaml, or --project), never into the folder the command runs from;
// without a project it says so and writes nothing; a tracked identifiers file gets a warning.
// Runs the real CLI (dist/cli.js) in temporary folders.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

const CLI = resolve('dist/cli.js');
const ZOOM = 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nOla Student: Hei.\n\n2\n00:00:02.000 --> 00:00:04.000\nKari Nordmann: Hei på deg.\n\n3\n00:00:05.000 --> 00:00:06.000\nKari Nordmann: Ja.\n';

describe('qda import: where the identifiers file goes (dist/cli.js)', function () {
  this.timeout(30_000);
  let root: string;
  const qda = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'import', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(function () {
    if (!existsSync(CLI)) this.skip();
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qda-import-cli-'));
    mkdirSync(join(root, 'downloads'));
    writeFileSync(join(root, 'downloads', 'zoom.vtt'), ZOOM);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('run from another folder with --out into a project: identifiers and .gitignore go to the project', () => {
    mkdirSync(join(root, 'thesis', 'transcripts'), { recursive: true });
    writeFileSync(join(root, 'thesis', 'qda.yaml'), 'language: nb\n');
    const r = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../thesis/transcripts', '--speaker', 'Kari Nordmann=FL3', '--interviewer', 'Ola Student');
    assert.equal(r.code, 0, r.err);
    assert.ok(readFileSync(join(root, 'thesis/transcripts/zoom.md'), 'utf8').includes('**FL3:** [00:00:02] Hei på deg. Ja.'));
    assert.deepEqual(parseYaml(readFileSync(join(root, 'thesis/.qda/identifiers.yaml'), 'utf8')), { 'Ola Student': 'Intervjuer', 'Kari Nordmann': 'FL3' });
    assert.equal(readFileSync(join(root, 'thesis/.gitignore'), 'utf8'), '.qda/identifiers.yaml\n');
    assert.deepEqual(readdirSync(join(root, 'downloads')), ['zoom.vtt'], 'nothing written where the command ran');
    assert.ok(r.out.includes(`real names → codes saved in ${join(root, 'thesis/.qda/identifiers.yaml')} (added to ${join(root, 'thesis/.gitignore')})`), r.out);
  });

  it('--out in a subfolder of the project finds the qda.yaml above it', () => {
    writeFileSync(join(root, 'qda.yaml'), '');
    const r = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../data/interviews/2024', '--speaker', 'Kari Nordmann=FL3');
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(root, 'data/interviews/2024/zoom.md')));
    assert.deepEqual(parseYaml(readFileSync(join(root, '.qda/identifiers.yaml'), 'utf8')), { 'Kari Nordmann': 'FL3' });
    assert.ok(!existsSync(join(root, 'downloads/.qda')) && !existsSync(join(root, 'data/interviews/2024/.qda')));
  });

  it('--project DIR says where the project is, qda.yaml or not', () => {
    mkdirSync(join(root, 'thesis'));
    const r = qda(join(root, 'downloads'), 'zoom.vtt', '--project', '../thesis', '--speaker', 'Kari Nordmann=FL3');
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(root, 'thesis/transcripts/zoom.md')), 'transcripts/ of the project by default');
    assert.ok(existsSync(join(root, 'thesis/.qda/identifiers.yaml')));
    assert.deepEqual(readdirSync(join(root, 'downloads')), ['zoom.vtt']);
  });

  it('with no project at or above --out and no --project: says so and writes nothing', () => {
    const r = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../somewhere', '--speaker', 'Kari Nordmann=FL3');
    assert.equal(r.code, 1);
    assert.ok(r.err.includes(`the real names "Kari Nordmann" would be saved in the project's .qda/identifiers.yaml, but ${join(root, 'somewhere')} is in no project (no qda.yaml in it or a folder above it); give --project DIR`), r.err);
    assert.match(r.err, /Nothing was written\./);
    assert.deepEqual(readdirSync(root).sort(), ['downloads']);
    assert.deepEqual(readdirSync(join(root, 'downloads')), ['zoom.vtt']);
    // Without real names to save there is nothing that needs a project.
    const plain = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../somewhere');
    assert.equal(plain.code, 0, plain.err);
    assert.deepEqual(readdirSync(join(root, 'somewhere')), ['zoom.md']);
  });

  it('warns when git tracks the identifiers file', function () {
    if (spawnSync('git', ['--version']).status !== 0) this.skip();
    const thesis = join(root, 'thesis');
    mkdirSync(thesis);
    writeFileSync(join(thesis, 'qda.yaml'), '');
    const git = (...args: string[]) => assert.equal(spawnSync('git', args, { cwd: thesis }).status, 0, `git ${args.join(' ')}`);
    git('init', '-q');
    assert.equal(qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../thesis/transcripts', '--speaker', 'Kari Nordmann=FL3').code, 0);
    let r = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../thesis/transcripts', '--force', '--speaker', 'Kari Nordmann=FL4');
    assert.doesNotMatch(r.err, /tracked by git/, 'ignored, not tracked');
    git('add', '-f', '.qda/identifiers.yaml');
    r = qda(join(root, 'downloads'), 'zoom.vtt', '--out', '../thesis/transcripts', '--force', '--speaker', 'Kari Nordmann=FL3');
    assert.equal(r.code, 0, r.err);
    assert.ok(r.err.includes(`warning: ${join(thesis, '.qda/identifiers.yaml')} is tracked by git, so the real names in it are in the repository: run \`git rm --cached .qda/identifiers.yaml\` in ${thesis}`), r.err);
  });
});
