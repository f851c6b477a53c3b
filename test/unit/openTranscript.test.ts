// Opening a transcript when the index is already built takes its codings from the index's
// per-document list and, when the editor's text is the disk's, only points their infos at the
// live codings: the result must be exactly what a fresh index gives.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project, type CodingInfo } from '../../server/src/core/project/project';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { applyToDisk } from '../../server/src/core/ops/operations';
import type { Coding } from '../../server/src/core/model/model';
import { corpus } from './anchoring-fixtures';

const R2 = corpus('intervju-R2.md');
const R3 = corpus('interview-R3-en.md');
const T2 = 'transcripts/R2.md';
const T3 = 'transcripts/R3.md';
const ANNA = '.qda/codings/anna.jsonl';
const BJORN = '.qda/codings/bjorn.jsonl';

function coding(doc: string, text: string, exact: string, id: string, coder = 'anna', code = 'Kode'): Coding {
  const start = text.indexOf(exact);
  if (start < 0) throw new Error(`${exact} not in ${doc}`);
  return { id, doc, start, end: start + exact.length, code, ...makeQuoteSelector(text, start, start + exact.length), coder, at: '2026-11-23T10:00:00Z' };
}

const jsonl = (codings: Coding[]): string => codings.map((c) => JSON.stringify(c) + '\n').join('');

const R2_PASSAGES = ['Jeg har lest skrivet', 'jobbet i banken i tjueto år', 'jeg var ganske skeptisk i starten', 'var egentlig lederen vår', 'Da er opptakeren på'];
const annaCodings = (): Coding[] => [
  ...R2_PASSAGES.slice(0, 3).map((p, i) => coding(T2, R2, p, `a${i}`, 'anna', i % 2 ? 'Kode' : 'Annen')),
  coding(T3, R3, R3.slice(R3.indexOf('**', 200) + 10, R3.indexOf('**', 200) + 40), 'a9'),
];
const bjornCodings = (): Coding[] => R2_PASSAGES.slice(2).map((p, i) => coding(T2, R2, p, `b${i}`, 'bjorn'));

function files(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'qda.yaml': 'coder: anna\n',
    'codebook.md': '## Tema\n- **Kode** — en kode\n- **Annen** — en annen\n',
    [T2]: R2,
    [T3]: R3,
    [ANNA]: jsonl(annaCodings()),
    [BJORN]: jsonl(bjornCodings()),
    ...overrides,
  };
}

async function load(fs: MemoryFileSystem): Promise<Project> {
  const p = new Project(fs, 'anna');
  await p.load();
  return p;
}

const summary = (infos: CodingInfo[]): unknown[] =>
  infos.map((i) => ({ id: i.coding.id, start: i.coding.start, end: i.coding.end, exact: i.coding.exact, anchored: i.anchored, informants: i.informants, status: i.status, score: i.score, file: i.file }));

/** What a fresh index says about `doc` open with `text`, for the same files. */
async function freshOpen(fs: MemoryFileSystem, doc: string, text: string): Promise<unknown[]> {
  const p = await load(new MemoryFileSystem(Object.fromEntries([...fs.files].map(([k, v]) => [k, new TextDecoder().decode(v)]))));
  p.openTranscript(doc, text);
  return summary(p.codingsOfDoc(doc));
}

const idsOf = (infos: CodingInfo[]): string[] => infos.map((i) => i.coding.id).sort();

describe('opening a transcript on a built index', () => {
  it('gives exactly the codings of a fresh index, and keystrokes shift them', async () => {
    const fs = new MemoryFileSystem(files());
    const p = await load(fs);
    assert.deepEqual(idsOf(p.codingsOfDoc(T2)), ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    const before = p.version;
    p.openTranscript(T2, R2);
    assert.ok(p.version > before, 'an open is a change for the client');
    assert.deepEqual(summary(p.codingsOfDoc(T2)), await freshOpen(fs, T2, R2));
    assert.deepEqual(idsOf(p.codingsOfDoc(T3)), ['a9']);

    // A word typed at the start of the first R2 turn's text: every R2 coding after it moves.
    const at = R2.indexOf('Ja da, det er helt greit');
    const typed = R2.slice(0, at) + 'Å ' + R2.slice(at);
    const starts = new Map(p.codingsOfDoc(T2).map((i) => [i.coding.id, i.coding.start]));
    p.editTranscript(T2, [{ start: at, end: at, text: 'Å ' }], typed);
    for (const info of p.codingsOfDoc(T2)) {
      const was = starts.get(info.coding.id)!;
      assert.equal(info.coding.start, was > at ? was + 2 : was, info.coding.id);
      assert.equal(typed.slice(info.coding.start, info.coding.end), info.coding.exact, info.coding.id);
      assert.ok(info.anchored, info.coding.id);
    }
    assert.deepEqual(summary(p.codingsOfDoc(T2)), await freshOpen(fs, T2, typed));
  });

  it('includes the codings added, and not those removed, while it was closed', async () => {
    for (const queryBetween of [false, true]) {
      const fs = new MemoryFileSystem(files());
      const p = await load(fs);
      p.codingsOfDoc(T2);
      p.openTranscript(T2, R2);
      p.codingsOfDoc(T2);
      p.closeTranscript(T2, R2);
      if (queryBetween) p.codingsOfDoc(T2);
      // anna removes a1 and codes a new passage; bjorn's file is rewritten with b1 removed.
      const anna = [...annaCodings().filter((c) => c.id !== 'a1'), coding(T2, R2, 'Fint. Kan du først fortelle', 'a5')];
      await fs.writeAtomic(ANNA, jsonl(anna));
      await p.update(ANNA, jsonl(anna));
      if (queryBetween) p.codingsOfDoc(T2);
      const bjorn = bjornCodings().filter((c) => c.id !== 'b1');
      await fs.writeAtomic(BJORN, jsonl(bjorn));
      await p.update(BJORN, jsonl(bjorn));
      if (queryBetween) assert.deepEqual(idsOf(p.codingsOfDoc(T2)), ['a0', 'a2', 'a5', 'b0', 'b2']);
      p.openTranscript(T2, R2);
      assert.deepEqual(idsOf(p.codingsOfDoc(T2)), ['a0', 'a2', 'a5', 'b0', 'b2'], `query between: ${queryBetween}`);
      assert.deepEqual(summary(p.codingsOfDoc(T2)), await freshOpen(fs, T2, R2), `query between: ${queryBetween}`);
      assert.deepEqual(idsOf(p.codingsOfDoc(T3)), ['a9']);
    }
  });

  it('after an outside change while closed: codings where they were placed, without the review status', async () => {
    const fs = new MemoryFileSystem(files());
    const p = await load(fs);
    p.codingsOfDoc(T2);
    // A paragraph inserted above, and a word changed inside one passage (a fuzzy match).
    const changed = R2.replace('**Intervjuer:** [00:00:05]', '**Intervjuer:** [00:00:01] Hei.\n\n**Intervjuer:** [00:00:05]').replace('ganske skeptisk', 'veldig skeptisk');
    await fs.writeAtomic(T2, changed);
    await p.update(T2, changed);
    const placed = p.codingsOfDoc(T2);
    assert.ok(placed.some((i) => i.status === 'fuzzy'), 'a fuzzy match before opening');
    const before = new Map(placed.map((i) => [i.coding.id, { start: i.coding.start, end: i.coding.end, exact: i.coding.exact, informants: i.informants, anchored: i.anchored }]));
    p.openTranscript(T2, changed);
    const open = p.codingsOfDoc(T2);
    assert.deepEqual(idsOf(open), ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    assert.ok(open.every((i) => i.status === undefined && i.score === undefined), 'no review status while live');
    // (A fresh index is no reference here: opened before its first query, it would not place
    // the codings first — the server always builds the index before it handles an open.)
    for (const i of open) {
      assert.deepEqual({ start: i.coding.start, end: i.coding.end, exact: i.coding.exact, informants: i.informants, anchored: i.anchored }, before.get(i.coding.id), i.coding.id);
      assert.equal(changed.slice(i.coding.start, i.coding.end), i.coding.exact, i.coding.id);
      assert.ok(i.anchored);
    }
    // Typing moves them: the infos hold the live codings.
    const at = changed.indexOf('Ja da, det er helt greit');
    p.editTranscript(T2, [{ start: at, end: at, text: 'Å ' }], changed.slice(0, at) + 'Å ' + changed.slice(at));
    for (const i of p.codingsOfDoc(T2)) assert.equal(i.coding.start, before.get(i.coding.id)!.start + (before.get(i.coding.id)!.start > at ? 2 : 0), i.coding.id);
  });

  it('opened with text other than the disk\'s: codings placed in the editor\'s text', async () => {
    const fs = new MemoryFileSystem(files());
    const p = await load(fs);
    p.codingsOfDoc(T2);
    const unsaved = 'Innledning.\n\n' + R2;
    p.openTranscript(T2, unsaved);
    const open = p.codingsOfDoc(T2);
    assert.deepEqual(idsOf(open), ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    for (const i of open) assert.equal(unsaved.slice(i.coding.start, i.coding.end), i.coding.exact);
    assert.deepEqual(summary(open), await freshOpen(fs, T2, unsaved));
  });
});

describe('codings placed after an outside change, and the text they were placed in', () => {
  // Found by the server's busy-queue torture test (test/server/openRace.test.ts, which failed
  // now and then): a placement made because the transcript had changed outside the editor was
  // kept, matched to its codings-file line only, after the text had changed again in the
  // editor and been saved. Closing the transcript then put its codings back where they had
  // been in the text of the outside change.
  it('changed while the server was not running, opened, edited back, saved and closed: codings on their passages in the saved text', async () => {
    const note = 'Notat skrevet i en annen editor.\n\n';
    const outside = note + R2;
    // The codings files still have R2's offsets: the index places them again at start-up.
    const fs = new MemoryFileSystem(files({ [T2]: outside }));
    const p = await load(fs);
    for (const i of p.codingsOfDoc(T2)) assert.equal(outside.slice(i.coding.start, i.coding.end), i.coding.exact, `${i.coding.id} placed at start-up`);
    p.openTranscript(T2, outside);
    // The student deletes the note again and saves: the codings are back at the offsets their
    // files have, so the save writes nothing for them.
    p.editTranscript(T2, [{ start: 0, end: note.length, text: '' }], R2);
    await fs.writeAtomic(T2, R2);
    assert.deepEqual(p.codingEditsForSavedTranscript(T2), []);
    p.closeTranscript(T2, await fs.readText(T2));
    const closed = p.codingsOfDoc(T2);
    assert.deepEqual(idsOf(closed), ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    for (const i of closed) assert.equal(R2.slice(i.coding.start, i.coding.end), i.coding.exact, `${i.coding.id} after closing`);
    // And where it matters most: opening it again, typing and saving writes them there.
    p.openTranscript(T2, R2);
    const at = R2.indexOf('Ja da, det er helt greit');
    const typed = R2.slice(0, at) + 'Å ' + R2.slice(at);
    p.editTranscript(T2, [{ start: at, end: at, text: 'Å ' }], typed);
    await applyToDisk(p, { edits: p.codingEditsForSavedTranscript(T2) });
    const written = [ANNA, BJORN].flatMap((f) => new TextDecoder().decode(fs.files.get(f)).trim().split('\n').map((l) => JSON.parse(l) as Coding)).filter((c) => c.doc === T2);
    assert.equal(written.length, 6);
    for (const c of written) assert.equal(typed.slice(c.start, c.end), c.exact, `${c.id} written`);
  });
});
