// Issue 13.5 in core: a transcript renamed, moved or deleted. The plan for a rename rewrites
// every coder's `doc` fields and moves the per-transcript codings files; a rename outside the
// editor (git mv, perhaps with anonymised names) is recognised by the codings' text; deleting a
// transcript leaves its codings as orphans until the analyst re-links or deletes them.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { applyPlanToDisk, codingsOfMissingDocs, planDeleteCodingsOf, planDocRenames, planRelink, planResult, recogniseRenames } from '../../server/src/core/ops/fileRenames';
import { applyOffsetEdits } from '../../server/src/core/ops/operations';
import { diffReplacement, UndoLog, type FileChange } from '../../server/src/core/ops/undoLog';
import { corpus } from './anchoring-fixtures';

const R2 = corpus('intervju-R2.md');
const R3 = corpus('interview-R3-en.md');
const T2 = 'transcripts/R2.md';
const T3 = 'transcripts/R3.md';

function coding(doc: string, text: string, exact: string, id: string, coder: string): Coding {
  const start = text.indexOf(exact);
  if (start < 0) throw new Error(`${exact} not in ${doc}`);
  return { id, doc, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(text, start, start + exact.length), coder, at: '2026-11-23T10:00:00Z' };
}
const jsonl = (codings: Coding[]): string => codings.map((c) => JSON.stringify(c) + '\n').join('');

const R2_PASSAGES = ['Jeg har lest skrivet', 'jobbet i banken i tjueto år', 'jeg var ganske skeptisk i starten', 'var egentlig lederen vår', 'Da er opptakeren på'];
const R3_PASSAGE = R3.slice(R3.indexOf('**', 200) + 10, R3.indexOf('**', 200) + 40);

function files(): Record<string, string> {
  return {
    'qda.yaml': 'coder: anna\n',
    'codebook.md': '## Tema\n- **Kode** — en kode\n',
    [T2]: R2,
    [T3]: R3,
    // The per-transcript layout for anna and bjorn, and bjorn's old one-file-per-coder file.
    [`.qda/codings/anna/${T2}.jsonl`]: jsonl(R2_PASSAGES.slice(0, 3).map((p, i) => coding(T2, R2, p, `a${i}`, 'anna'))),
    [`.qda/codings/anna/${T3}.jsonl`]: jsonl([coding(T3, R3, R3_PASSAGE, 'a9', 'anna')]),
    [`.qda/codings/bjorn/${T2}.jsonl`]: jsonl(R2_PASSAGES.slice(3).map((p, i) => coding(T2, R2, p, `b${i}`, 'bjorn'))),
    '.qda/codings/bjorn.jsonl': jsonl([coding(T2, R2, R2_PASSAGES[2], 'old1', 'bjorn'), coding(T3, R3, R3_PASSAGE, 'old2', 'bjorn')]),
  };
}

async function load(fs: MemoryFileSystem): Promise<Project> {
  const p = new Project(fs, 'anna');
  await p.load();
  return p;
}

/** What the analyst sees: each coding's transcript and whether it is placed, by id. */
const placement = (p: Project): Record<string, string> =>
  Object.fromEntries(p.allCodings().map((i) => [i.coding.id, `${i.coding.doc}${i.anchored ? '' : ' (orphan)'}`]).sort());

/** A rename on disk as the editor does it after the plan: the transcript moves too. */
async function renameOnDisk(fs: MemoryFileSystem, from: string, to: string): Promise<void> {
  const bytes = fs.files.get(from)!;
  fs.files.delete(from);
  fs.files.set(to, bytes);
}

describe('transcript renamed, moved or deleted (issue 13.5)', () => {
  it('a rename rewrites every coder\'s doc fields and moves the per-transcript codings files', async () => {
    const fs = new MemoryFileSystem(files());
    const p = await load(fs);
    const to = 'transcripts/R2-anonymisert.md';
    const plan = planDocRenames(p, [{ from: T2, to }]);
    assert.equal(plan.codings, 6, 'three of anna, two of bjorn, one in bjorn\'s old file');
    assert.deepEqual(plan.steps.filter((s) => s.kind === 'move'), [
      { kind: 'move', from: `.qda/codings/anna/${T2}.jsonl`, to: `.qda/codings/anna/${to}.jsonl` },
      { kind: 'move', from: `.qda/codings/bjorn/${T2}.jsonl`, to: `.qda/codings/bjorn/${to}.jsonl` },
    ]);
    await applyPlanToDisk(p, plan);
    await renameOnDisk(fs, T2, to);
    const after = await load(fs);
    assert.deepEqual(placement(after), {
      a0: to, a1: to, a2: to, a9: T3, b0: to, b1: to, old1: to, old2: T3,
    });
    assert.equal(fs.files.has(`.qda/codings/anna/${T2}.jsonl`), false);
    // The old layout's file keeps its other transcript's line byte for byte.
    assert.ok((await fs.readText('.qda/codings/bjorn.jsonl'))!.includes(JSON.stringify(coding(T3, R3, R3_PASSAGE, 'old2', 'bjorn'))));
    assert.deepEqual(codingsOfMissingDocs(after).size, 0);
  });

  it('a folder rename moves the codings of every transcript in it', async () => {
    const fs = new MemoryFileSystem(files());
    const p = await load(fs);
    const plan = planDocRenames(p, [{ from: 'transcripts', to: 'intervjuer/2026' }]);
    assert.equal(plan.codings, 8);
    await applyPlanToDisk(p, plan);
    await renameOnDisk(fs, T2, 'intervjuer/2026/R2.md');
    await renameOnDisk(fs, T3, 'intervjuer/2026/R3.md');
    await fs.writeAtomic('qda.yaml', 'coder: anna\ntranscripts: ["intervjuer/**/*.md"]\n');
    const after = await load(fs);
    assert.ok(Object.values(placement(after)).every((v) => /^intervjuer\/2026\/R[23]\.md$/.test(v)), JSON.stringify(placement(after)));
    assert.ok(fs.files.has('.qda/codings/anna/intervjuer/2026/R3.md.jsonl'));
  });

  it('recognises a rename outside the editor by content, anonymised names and all, and re-links every coding', async () => {
    const fs = new MemoryFileSystem(files());
    // git mv transcripts/R2.md transcripts/R2-anonymisert.md, then a name replaced in one coded passage.
    const to = 'transcripts/R2-anonymisert.md';
    const anonymised = R2.replace('var egentlig lederen vår', 'var egentlig [leder] vår');
    fs.files.delete(T2);
    await fs.writeAtomic(to, anonymised);
    const p = await load(fs);
    assert.deepEqual(placement(p).a0, `${T2} (orphan)`, 'before the fix its codings are orphans of the missing file');
    const found = recogniseRenames(p);
    assert.deepEqual(found.map((r) => ({ from: r.from, to: r.to, codings: r.codings })), [{ from: T2, to, codings: 6 }]);
    const plan = planRelink(p, T2, to);
    assert.ok(!('error' in plan));
    await applyPlanToDisk(p, plan);
    const after = await load(fs);
    const placed = placement(after);
    for (const id of ['a0', 'a1', 'a2', 'b1', 'old1']) assert.equal(placed[id], to, id);
    // The changed passage is found approximately and flagged for the analyst's review.
    const b0 = after.codingById('b0')!;
    assert.equal(b0.coding.doc, to);
    assert.equal(b0.anchored, true);
    assert.equal(anonymised.slice(b0.coding.start, b0.coding.end), 'var egentlig [leder] vår');
    assert.equal(b0.coding.extra?.review, 'fuzzy');
    assert.equal(recogniseRenames(after).length, 0);
  });

  it('does not take an unrelated new transcript for a renamed one', async () => {
    const fs = new MemoryFileSystem(files());
    fs.files.delete(T2);
    await fs.writeAtomic('transcripts/annen.md', R3.replace(/R3/g, 'R9'));
    const p = await load(fs);
    assert.deepEqual(recogniseRenames(p), []);
  });

  it('deleting a transcript keeps its codings as orphans; deleting them on purpose removes exactly them', async () => {
    const fs = new MemoryFileSystem(files());
    fs.files.delete(T2);
    const p = await load(fs);
    const missing = codingsOfMissingDocs(p);
    assert.deepEqual([...missing.keys()], [T2]);
    assert.equal(missing.get(T2)!.length, 6);
    assert.ok(p.allCodings().filter((i) => i.coding.doc === T2).every((i) => !i.anchored));
    const plan = planDeleteCodingsOf(p, T2);
    assert.equal(plan.codings, 6);
    await applyPlanToDisk(p, plan);
    const after = await load(fs);
    assert.deepEqual(placement(after), { a9: T3, old2: T3 });
    assert.equal(fs.files.has(`.qda/codings/anna/${T2}.jsonl`), false, 'the emptied per-transcript file goes');
    assert.ok(fs.files.has('.qda/codings/bjorn.jsonl'), 'the old layout file keeps its other lines');
  });

  it('never rewrites a codings file it could not parse', async () => {
    const f = files();
    f[`.qda/codings/bjorn/${T2}.jsonl`] += 'not json\n';
    const p = await load(new MemoryFileSystem(f));
    const plan = planDocRenames(p, [{ from: T2, to: 'transcripts/x.md' }]);
    assert.deepEqual(plan.blocked, [`.qda/codings/bjorn/${T2}.jsonl`]);
    assert.ok(plan.steps.every((s) => (s.kind === 'move' ? s.from : s.path) !== `.qda/codings/bjorn/${T2}.jsonl`));
  });

  it('as the server writer\'s edits (planResult), a plan leaves the same files as on disk, and the undo log takes a move back', async () => {
    const onDisk = new MemoryFileSystem(files());
    const viaWriter = new MemoryFileSystem(files());
    const to = 'transcripts/R2-anonymisert.md';
    const p1 = await load(onDisk);
    await applyPlanToDisk(p1, planDocRenames(p1, [{ from: T2, to }]));
    const p2 = await load(viaWriter);
    const result = planResult(p2, planDocRenames(p2, [{ from: T2, to }]));
    // Moved files are created at the new place with their whole text and removed at the old.
    assert.deepEqual(result.edits.filter((e) => e.remove).map((e) => e.path), [`.qda/codings/anna/${T2}.jsonl`, `.qda/codings/bjorn/${T2}.jsonl`]);
    assert.deepEqual(result.edits.filter((e) => e.create).map((e) => e.path), [`.qda/codings/anna/${to}.jsonl`, `.qda/codings/bjorn/${to}.jsonl`]);
    const log = new UndoLog();
    const changes: FileChange[] = [];
    for (const fe of [...result.edits.filter((e) => !e.remove), ...result.edits.filter((e) => e.remove)]) {
      const before = (await viaWriter.readText(fe.path)) ?? '';
      const after = fe.remove ? '' : applyOffsetEdits(before, fe.edits);
      if (fe.remove) await viaWriter.remove(fe.path);
      else await viaWriter.writeAtomic(fe.path, after);
      changes.push({ path: fe.path, replacement: diffReplacement(before, after), ...(fe.remove ? { removed: true } : fe.movedFrom !== undefined ? { created: true } : {}) });
    }
    assert.deepEqual([...viaWriter.files.keys()].sort(), [...onDisk.files.keys()].sort());
    for (const [path, bytes] of onDisk.files) assert.equal(await viaWriter.readText(path), new TextDecoder().decode(bytes), path);

    log.record(changes);
    const undo = log.undoEdits((path) => (viaWriter.files.has(path) ? new TextDecoder().decode(viaWriter.files.get(path)) : undefined));
    assert.ok(Array.isArray(undo));
    assert.deepEqual(undo.filter((e) => e.remove).map((e) => e.path), [`.qda/codings/anna/${to}.jsonl`, `.qda/codings/bjorn/${to}.jsonl`]);
    assert.deepEqual(undo.filter((e) => e.create).map((e) => [e.path, e.edits[0].newText]), [
      [`.qda/codings/anna/${T2}.jsonl`, files()[`.qda/codings/anna/${T2}.jsonl`]],
      [`.qda/codings/bjorn/${T2}.jsonl`, files()[`.qda/codings/bjorn/${T2}.jsonl`]],
    ]);
    // A file that appeared at the old place since is not overwritten by the undo.
    await viaWriter.writeAtomic(`.qda/codings/anna/${T2}.jsonl`, '{"other":1}\n');
    assert.deepEqual(log.undoEdits((path) => (viaWriter.files.has(path) ? new TextDecoder().decode(viaWriter.files.get(path)) : undefined)), { conflict: `.qda/codings/anna/${T2}.jsonl` });
  });
});
