// A new thesis project (core/ops/scaffold.ts and `qda init`): the files a student starts from,
// a project that loads without a single warning, and nothing there ever replaced.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { CODINGS_MERGE_LINE, REVIEWS_MERGE_LINE, scaffoldProject } from '../../server/src/core/ops/scaffold';
import { main } from '../../server/src/cli';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

describe('new thesis project (scaffold)', () => {
  for (const language of ['en', 'nb'] as const) {
    it(`creates a commented qda.yaml, a codebook with one example theme and the folders (${language}); the project loads clean`, async () => {
      const fs = new MemoryFileSystem();
      const result = await scaffoldProject(fs, { language });
      assert.deepEqual(result.created, ['qda.yaml', 'codebook.md', 'transcripts/', 'memos/', 'chapters/', '.gitignore', '.gitattributes']);
      const yaml = (await fs.readText('qda.yaml'))!;
      assert.match(yaml, /^# Thesis QDA/);
      assert.match(yaml, new RegExp(`^language: ${language}$`, 'm'));
      assert.ok(await fs.exists('transcripts/.gitkeep'));
      assert.match((await fs.readText('.gitignore'))!, /^\.qda\/identifiers\.yaml$/m);
      assert.match((await fs.readText('.gitattributes'))!, /^\.qda\/codings\/\*\*\/\*\.jsonl merge=union$/m);
      assert.match((await fs.readText('.gitattributes'))!, /^\.qda\/reviews\/\*\.jsonl merge=union$/m);
      const project = new Project(fs, 'anna');
      await project.load();
      assert.equal(project.config.language, language);
      const themes = project.codebook.categories.filter((c) => c.level === 2);
      assert.equal(themes.length, 1, themes.map((t) => t.name).join(', '));
      assert.equal(project.codebook.codes.length, 2);
      for (const code of project.codebook.codes) assert.deepEqual(code.categoryPath, [themes[0].name]);
      // Not one diagnostic: a new project must not greet the student with warnings.
      const diagnostics = [...projectDiagnostics(project).values()].flat();
      assert.deepEqual(diagnostics.map((d) => `${d.path}: ${d.code} ${d.message}`), []);
    });
  }

  it('never replaces what is there; appends only a missing line to .gitignore and .gitattributes', async () => {
    const fs = new MemoryFileSystem({
      'qda.yaml': 'coder: bo\n',
      'codebook.md': '# Min kodebok\n',
      'memos/teori.md': '# Teori\n',
      '.gitignore': 'node_modules',
      '.gitattributes': `*.md text\n${CODINGS_MERGE_LINE}\n`,
    });
    const result = await scaffoldProject(fs, { language: 'nb' });
    assert.equal(await fs.readText('qda.yaml'), 'coder: bo\n');
    assert.equal(await fs.readText('codebook.md'), '# Min kodebok\n');
    assert.equal(await fs.exists('memos/.gitkeep'), false, 'a folder with files needs no .gitkeep');
    assert.equal(await fs.readText('.gitignore'), 'node_modules\n# Thesis QDA: real names of informants, never in git\n.qda/identifiers.yaml\n');
    // The codings line is there; the review logs' line (issue 20) is added.
    assert.equal(await fs.readText('.gitattributes'), `*.md text\n${CODINGS_MERGE_LINE}\n# Thesis QDA: review comments from two branches merge without conflicts\n${REVIEWS_MERGE_LINE}\n`);
    assert.deepEqual(result, { created: ['transcripts/', 'chapters/'], extended: ['.gitignore', '.gitattributes'], kept: ['qda.yaml', 'codebook.md'] });
    // A second run changes nothing.
    const again = await scaffoldProject(fs, { language: 'nb' });
    assert.deepEqual(again.created.concat(again.extended), []);
  });

  it('`qda init DIR` creates the project and says what it did; run again, it changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qda-init-'));
    try {
      let out = '';
      const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s), cwd: dir };
      assert.equal(await main(['init', 'thesis'], io), 0, out);
      assert.match(out, /created  qda\.yaml/);
      assert.match(out, /Thesis QDA project ready in thesis/);
      assert.match(readFileSync(join(dir, 'thesis/qda.yaml'), 'utf8'), /^language: en$/m);
      assert.ok(existsSync(join(dir, 'thesis/chapters/.gitkeep')));
      writeFileSync(join(dir, 'thesis/codebook.md'), '# Mine\n');
      out = '';
      assert.equal(await main(['init', 'thesis'], io), 0, out);
      assert.match(out, /already a Thesis QDA project; nothing changed/);
      assert.equal(readFileSync(join(dir, 'thesis/codebook.md'), 'utf8'), '# Mine\n');
      out = '';
      assert.equal(await main(['init', '--language', 'de', 'x'], io), 2);
      assert.match(out, /--language must be nb or en/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
