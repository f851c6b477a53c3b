// The undo/redo log of coding operations (core/ops/undoLog.ts), on an in-memory project folder:
// undo and redo give back each codings file byte for byte, and a file changed since is never
// overwritten.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { applyOffsetEdits, codeRange, recodeCoding, uncodeCoding, type OperationResult } from '../../server/src/core/ops/operations';
import { diffReplacement, UndoLog, type FileChange } from '../../server/src/core/ops/undoLog';

const R2 = 'Intervjuer: Hva skjedde?\n\nR2: Vi kalte det sandkassa 🙂, og alle fikk prøve.\n';
const CODINGS = '.qda/codings/anna/transcripts/R2.md.jsonl';

async function setup(): Promise<{ fs: MemoryFileSystem; project: Project }> {
  const fs = new MemoryFileSystem({
    'qda.yaml': 'coder: anna\ninterviewers: [Intervjuer]\n',
    'codebook.md': '# Kodebok\n\n- **K**\n- **L**\n',
    'transcripts/R2.md': R2,
  });
  const project = new Project(fs);
  await project.load();
  return { fs, project };
}

/** What the server's writer does: applies the edits, writes, updates the index; returns the changes for the log. */
async function write(fs: MemoryFileSystem, project: Project, result: OperationResult): Promise<FileChange[]> {
  assert.equal(result.error, undefined);
  const changes: FileChange[] = [];
  for (const fe of result.edits) {
    const before = project.textOf(fe.path) ?? (await fs.readText(fe.path)) ?? '';
    const after = applyOffsetEdits(before, fe.edits);
    await fs.writeAtomic(fe.path, after);
    await project.update(fe.path, after);
    changes.push({ path: fe.path, replacement: diffReplacement(before, after) });
  }
  return changes;
}

async function apply(fs: MemoryFileSystem, project: Project, edits: Array<{ path: string; edits: Array<{ start: number; end: number; newText: string }> }>): Promise<void> {
  await write(fs, project, { edits });
}

const textOf = (project: Project) => (p: string): string | undefined => project.textOf(p);

describe('the undo log of coding operations', () => {
  it('undoes and redoes codings byte for byte, newest first, and keeps the coding id on redo', async () => {
    const { fs, project } = await setup();
    const log = new UndoLog();
    const states: Array<string | undefined> = [await fs.readText(CODINGS)];
    const first = codeRange(project, 'transcripts/R2.md', R2.indexOf('Vi kalte'), R2.indexOf(' og alle'), 'K');
    log.record(await write(fs, project, first), 'file:///R2.md', 1);
    states.push(await fs.readText(CODINGS));
    const second = codeRange(project, 'transcripts/R2.md', R2.indexOf('alle fikk'), R2.indexOf('.\n'), 'L');
    log.record(await write(fs, project, second), 'file:///R2.md', 1);
    states.push(await fs.readText(CODINGS));
    log.record(await write(fs, project, recodeCoding(project, first.codingId!, 'L')), 'file:///R2.md', 1);
    states.push(await fs.readText(CODINGS));
    assert.equal(new Set(states).size, 4, 'each operation changed the file');

    for (let i = states.length - 2; i >= 0; i--) {
      const edits = log.undoEdits(textOf(project));
      assert.ok(Array.isArray(edits));
      await apply(fs, project, edits);
      log.undone();
      // Created by the first coding: undone, it is empty (as after VS Code's own undo of a created file).
      assert.equal(await fs.readText(CODINGS), states[i] ?? '');
    }
    assert.equal(log.peekUndo(), undefined);
    assert.equal(project.codingsOfDoc('transcripts/R2.md').length, 0);
    for (let i = 1; i < states.length; i++) {
      const edits = log.redoEdits(textOf(project));
      assert.ok(Array.isArray(edits));
      await apply(fs, project, edits);
      log.redone();
      assert.equal(await fs.readText(CODINGS), states[i]);
    }
    assert.ok(project.codingById(first.codingId!), 'the same coding, by id, is back');
  });

  it('refuses to undo over a file changed since, names it, and a new operation clears redo', async () => {
    const { fs, project } = await setup();
    const log = new UndoLog();
    const coded = codeRange(project, 'transcripts/R2.md', R2.indexOf('Vi kalte'), R2.indexOf(' og alle'), 'K');
    log.record(await write(fs, project, coded), 'file:///R2.md', 3);
    assert.deepEqual({ origin: log.peekUndo()?.origin, version: log.peekUndo()?.version }, { origin: 'file:///R2.md', version: 3 });
    const handEdited = (await fs.readText(CODINGS))!.replace('"code":"K"', '"code":"L"');
    await fs.writeAtomic(CODINGS, handEdited);
    await project.update(CODINGS, handEdited);
    assert.deepEqual(log.undoEdits(textOf(project)), { conflict: CODINGS });
    assert.equal(await fs.readText(CODINGS), handEdited, 'nothing written');

    const { fs: fs2, project: p2 } = await setup();
    const log2 = new UndoLog();
    const c1 = codeRange(p2, 'transcripts/R2.md', R2.indexOf('Vi kalte'), R2.indexOf(' og alle'), 'K');
    log2.record(await write(fs2, p2, c1));
    const undo = log2.undoEdits(textOf(p2));
    assert.ok(Array.isArray(undo));
    await apply(fs2, p2, undo);
    log2.undone();
    assert.ok(log2.peekRedo());
    log2.record(await write(fs2, p2, codeRange(p2, 'transcripts/R2.md', R2.indexOf('alle'), R2.indexOf('.\n'), 'L')));
    assert.equal(log2.peekRedo(), undefined, 'a new operation clears redo');
    // An operation that changed nothing is not an entry.
    assert.equal(log2.record([{ path: CODINGS, replacement: diffReplacement('x', 'x') }]), undefined);
    log2.record(await write(fs2, p2, uncodeCoding(p2, p2.codingsOfDoc('transcripts/R2.md')[0].coding.id)));
    assert.equal(p2.codingsOfDoc('transcripts/R2.md').length, 0);
  });

  it("after VS Code's own Edit › Undo took back the codebook half, undoes only the codings, for any kind of name change", () => {
    const codings = '{"code":"K"}\n';
    // Renames that replace, lengthen and shorten the name (one side of the replacement empty).
    for (const [from, to] of [['K', 'M'], ['K', 'Kø'], ['Kø', 'K']]) {
      const cb = (name: string): string => `# Kodebok\n\n- **${name}**\n`;
      const log = new UndoLog();
      log.record([
        { path: CODINGS, replacement: diffReplacement(codings.replace('K', from), codings.replace('K', to)) },
        { path: 'codebook.md', replacement: diffReplacement(cb(from), cb(to)) },
      ]);
      // VS Code's Undo reverted codebook.md; the codings still hold the new name.
      const now = new Map([[CODINGS, codings.replace('K', to)], ['codebook.md', cb(from)]]);
      assert.deepEqual(log.undoEdits((p) => now.get(p)), { conflict: 'codebook.md' }, `${from} → ${to}: without being told, a changed file`);
      const edits = log.undoEdits((p) => now.get(p), new Set(['codebook.md']));
      assert.ok(Array.isArray(edits), `${from} → ${to}`);
      assert.deepEqual(edits.map((e) => e.path), [CODINGS], `${from} → ${to}: the codings only`);
      assert.equal(applyOffsetEdits(now.get(CODINGS)!, edits[0].edits), codings.replace('K', from));
      // Told so, but VS Code did not take it back after all (the user chose another file): undone here.
      const both = log.undoEdits((p) => (p === 'codebook.md' ? cb(to) : now.get(p)), new Set(['codebook.md']));
      assert.ok(Array.isArray(both));
      assert.deepEqual(both.map((e) => e.path), [CODINGS, 'codebook.md'], `${from} → ${to}: both`);
      assert.equal(applyOffsetEdits(cb(to), both[1].edits), cb(from));
    }
  });

  it('keeps at most its limit of entries, and replacements never split a surrogate pair', () => {
    const log = new UndoLog(2);
    for (let i = 0; i < 3; i++) log.record([{ path: 'a', replacement: diffReplacement(String(i), String(i + 1)) }]);
    assert.equal(log.peekUndo()?.changes[0].replacement.text, '3');
    assert.ok(Array.isArray(log.undoEdits(() => '3')));
    log.undone();
    assert.ok(Array.isArray(log.undoEdits(() => '2')));
    log.undone();
    assert.equal(log.undoEdits(() => '1'), undefined, 'the oldest entry was dropped');
    const r = diffReplacement('a\u{1F642}b', 'a\u{1F643}b');
    assert.deepEqual(r, { start: 1, expected: '\u{1F642}', text: '\u{1F643}', resultLength: 4 });
  });
});
