// Moving codings from the old one-file-per-coder layout to one file per coder and transcript.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, promises as fsp, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { planSplitCodings, applySplitPlan } from '../../server/src/core/ops/splitCodings';
import { main } from '../../server/src/cli';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const R2 = 'Intervjuer: Hva skjedde?\n\nR2: Vi kalte det sandkassa, og alle fikk prøve.\n';
const FL1 = 'Intervjuer: Og så?\n\nFL1: Kundene merket det med en gang.\n';
const line = (id: string, doc: string, start: number, end: number, text: string, extra = ''): string =>
  `{"id":"${id}","doc":"${doc}","start":${start},"end":${end},"code":"K","exact":${JSON.stringify(text.slice(start, end))},"coder":"anna","at":"2026-01-01T00:00:00Z"${extra}}`;

function project(files: Record<string, string>): { fs: MemoryFileSystem; project: Project } {
  const fs = new MemoryFileSystem({
    'qda.yaml': 'coder: anna\ninterviewers: [Intervjuer]\n',
    'codebook.md': '# Kodebok\n\n- **K**\n',
    'transcripts/R2.md': R2,
    'transcripts/FL1.md': FL1,
    ...files,
  });
  return { fs, project: new Project(fs) };
}

describe('split-codings (old layout → one file per coder and transcript)', () => {
  it('moves every line byte for byte, merges with lines already there, sorts, and removes the old file', async () => {
    // Unknown keys and their order survive; the old file's order is not sorted.
    const a = line('a1', 'transcripts/R2.md', 40, 48, R2, ',"review":"fuzzy","x-note":{"k":[1,2]}');
    const b = line('a2', 'transcripts/FL1.md', 24, 31, FL1);
    const c = line('a3', 'transcripts/R2.md', 26, 33, R2);
    const there = line('a4', 'transcripts/R2.md', 30, 36, R2);
    const { fs, project: p } = project({
      '.qda/codings/anna.jsonl': [a, b, c].join('\n') + '\n',
      '.qda/codings/anna/transcripts/R2.md.jsonl': there + '\n' + a + '\n', // a1 copied by an interrupted run
    });
    await p.load();
    const plan = planSplitCodings(p);
    assert.deepEqual(plan.files, [{ path: '.qda/codings/anna.jsonl', moved: 3, kept: 0 }]);
    await applySplitPlan(p, plan);
    assert.equal(await fs.readText('.qda/codings/anna.jsonl'), undefined);
    assert.equal(await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'), [c, there, a].join('\n') + '\n');
    assert.equal(await fs.readText('.qda/codings/anna/transcripts/FL1.md.jsonl'), b + '\n');
    // The project loads the same codings from the new files, without duplicate-id warnings.
    const after = new Project(fs);
    await after.load();
    assert.deepEqual(after.codingsOfDoc('transcripts/R2.md').map((i) => i.coding.id), ['a3', 'a4', 'a1']);
    assert.deepEqual([...projectDiagnostics(after).values()].flat().filter((d) => d.code === 'qda.codingsDuplicateId'), []);
  });

  it('leaves a malformed file alone, refuses a malformed target, and keeps a line whose doc would leave the folder', async () => {
    const { fs, project: p } = project({
      '.qda/codings/anna.jsonl': line('a1', 'transcripts/R2.md', 26, 33, R2) + '\nnot json\n',
      '.qda/codings/bjorn.jsonl': line('b1', 'transcripts/R2.md', 26, 33, R2).replace('"anna"', '"bjorn"') + '\n',
      '.qda/codings/bjorn/transcripts/R2.md.jsonl': '<<<<<<< HEAD\n',
      '.qda/codings/cato.jsonl': line('c1', '../../outside.md', 1, 2, 'xy') + '\n' + line('c2', 'transcripts/FL1.md', 24, 31, FL1).replace('"anna"', '"cato"') + '\n',
    });
    await p.load();
    const plan = planSplitCodings(p);
    assert.deepEqual(plan.files.map((f) => [f.path, f.moved, f.kept, Boolean(f.refused)]), [
      ['.qda/codings/anna.jsonl', 0, 1, true],
      ['.qda/codings/bjorn.jsonl', 0, 1, true],
      ['.qda/codings/cato.jsonl', 1, 1, false],
    ]);
    assert.match(plan.files[0]!.refused!, /anna\.jsonl line 2 is not a valid coding/);
    assert.match(plan.files[1]!.refused!, /bjorn\/transcripts\/R2\.md\.jsonl has git conflict markers/);
    const before = { anna: await fs.readText('.qda/codings/anna.jsonl'), bjorn: await fs.readText('.qda/codings/bjorn.jsonl') };
    await applySplitPlan(p, plan);
    assert.equal(await fs.readText('.qda/codings/anna.jsonl'), before.anna);
    assert.equal(await fs.readText('.qda/codings/bjorn.jsonl'), before.bjorn);
    assert.equal(await fs.readText('.qda/codings/cato.jsonl'), line('c1', '../../outside.md', 1, 2, 'xy') + '\n');
    assert.equal(await fs.readText('.qda/codings/cato/transcripts/FL1.md.jsonl'), line('c2', 'transcripts/FL1.md', 24, 31, FL1).replace('"anna"', '"cato"') + '\n');
    assert.deepEqual((await fs.listFiles()).filter((f) => f.includes('outside')), []);
  });

  it('qda split-codings turns an old-layout copy of the demo into the layout the demo has', async () => {
    const demo = path.resolve(__dirname, '../../../examples/demo-thesis');
    const root = mkdtempSync(path.join(os.tmpdir(), 'qda-split-'));
    try {
      cpSync(demo, root, { recursive: true });
      // Put the demo's codings back into one file per coder, as an older version wrote them.
      const shards = (coder: string): string[] => readdirSync(path.join(root, '.qda/codings', coder, 'transcripts')).sort().map((f) => path.join(root, '.qda/codings', coder, 'transcripts', f));
      const expected = new Map<string, string>();
      for (const coder of ['anna', 'bjorn']) {
        for (const f of shards(coder)) expected.set(path.relative(root, f), readFileSync(f, 'utf8'));
        writeFileSync(path.join(root, `.qda/codings/${coder}.jsonl`), shards(coder).map((f) => readFileSync(f, 'utf8')).join(''));
        await fsp.rm(path.join(root, '.qda/codings', coder), { recursive: true });
      }
      let out = '';
      let err = '';
      const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s), cwd: root };
      assert.equal(await main(['split-codings', '--dry-run', '.'], io), 0, err);
      assert.match(out, /\.qda\/codings\/anna\.jsonl: 118 coding\(s\) would move to \.qda\/codings\/anna\/…; would be removed/);
      assert.ok(existsSync(path.join(root, '.qda/codings/anna.jsonl')), 'a dry run writes nothing');
      out = '';
      assert.equal(await main(['split-codings', '.'], io), 0, err);
      assert.match(out, /Wrote 14 per-transcript file\(s\)/);
      assert.ok(!existsSync(path.join(root, '.qda/codings/anna.jsonl')) && !existsSync(path.join(root, '.qda/codings/bjorn.jsonl')));
      for (const [rel, text] of expected) assert.equal(readFileSync(path.join(root, rel), 'utf8'), text, rel);
      out = '';
      assert.equal(await main(['split-codings', '.'], io), 0);
      assert.match(out, /already one file per coder and transcript/);
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  });
});
