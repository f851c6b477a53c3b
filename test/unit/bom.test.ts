// Byte-order marks (issue 13, point 4): offsets are on the text without the BOM everywhere
// (what VS Code shows and sends), files keep their BOM and line endings when written, and a
// codings file is not rewritten when nothing moved.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { applyToDisk } from '../../server/src/core/ops/operations';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const BOM = '\uFEFF';
const DOC = 'transcripts/R9.md';
/** A transcript as Windows Notepad saves it: BOM and CRLF. */
const TEXT = ['---', 'title: R9', '---', '**Intervjuer:** [00:00:01] Hvordan var opplæringen?', '', '**R9:** [00:00:05] Vi lærte mest av kollegene, ikke av kurset.', '', '**R9:** [00:00:20] Sandkassa var trygg å øve i.', ''].join('\r\n');
const PASSAGES = ['Vi lærte mest av kollegene', 'Sandkassa var trygg å øve i.'];

function codingOf(exact: string, id: string): Coding {
  const start = TEXT.indexOf(exact); // the editor's offsets: the text without BOM
  return { id, doc: DOC, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(TEXT, start, start + exact.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
}

const CODINGS_FILE = `.qda/codings/anna/${DOC}.jsonl`;
const FILES: Record<string, string> = {
  'qda.yaml': 'coder: anna\n',
  'codebook.md': '## Tema\n- **Kode** — en kode\n',
  [DOC]: BOM + TEXT,
  [CODINGS_FILE]: PASSAGES.map((p, i) => JSON.stringify(codingOf(p, `c${i}`)) + '\n').join(''),
};

describe('byte-order marks', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'qda-bom-'));
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads text without the BOM, from disk and from memory alike', async () => {
    assert.equal(await new NodeFileSystem(root).readText(DOC), TEXT);
    assert.equal(await new MemoryFileSystem({ [DOC]: BOM + TEXT }).readText(DOC), TEXT);
  });

  it('keeps a file’s BOM and CRLF line endings when text is written over it, and adds none to a file without', async () => {
    const fs = new NodeFileSystem(root);
    const changed = TEXT.replace('trygg', 'veldig trygg');
    await fs.writeAtomic(DOC, changed);
    assert.equal(readFileSync(path.join(root, DOC), 'utf8'), BOM + changed);
    await fs.writeAtomic('notes.md', 'a\r\nb\r\n');
    assert.equal(readFileSync(path.join(root, 'notes.md'), 'utf8'), 'a\r\nb\r\n');
    const mem = new MemoryFileSystem({ [DOC]: BOM + TEXT });
    await mem.writeAtomic(DOC, changed);
    assert.equal(new TextDecoder('utf-8', { ignoreBOM: true }).decode(mem.files.get(DOC)!), BOM + changed);
  });

  it('places codings on the BOM-less text: open, close and a file event move nothing and rewrite no codings file', async () => {
    const project = new Project(new NodeFileSystem(root), 'anna');
    await project.load();
    const seen = (): string[] => project.codingsOfDoc(DOC).map((i) => `${i.coding.id} ${i.coding.start} ${i.anchored} ${i.status ?? ''} ${TEXT.slice(i.coding.start, i.coding.end)}`);
    const expected = PASSAGES.map((p, i) => `c${i} ${TEXT.indexOf(p)} true  ${p}`);
    assert.deepEqual(seen(), expected);
    // The editor opens it (VS Code sends the text without BOM), closes it, and a file event follows.
    project.openTranscript(DOC, TEXT);
    assert.deepEqual(seen(), expected);
    project.closeTranscript(DOC, await project.fs.readText(DOC));
    await project.update(DOC, await project.fs.readText(DOC));
    assert.deepEqual(project.reanchoredCodingEdits(DOC), [], 'nothing moved: no edit');
    assert.deepEqual(seen(), expected);
    assert.deepEqual(projectDiagnostics(project).get(CODINGS_FILE) ?? [], []);
  });

  it('writes moved codings into a codings file with a BOM keeping it, and leaves a file alone when edits change nothing', async () => {
    writeFileSync(path.join(root, CODINGS_FILE), BOM + FILES[CODINGS_FILE]);
    const project = new Project(new NodeFileSystem(root), 'anna');
    await project.load();
    assert.deepEqual(project.codingsOfDoc(DOC).map((i) => i.anchored), [true, true]);
    // Edits that replace a line by itself: the file keeps its bytes and its modification time.
    const file = path.join(root, CODINGS_FILE);
    const before = statSync(file).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const line = project.codingsFile(CODINGS_FILE)!.lines[0];
    await applyToDisk(project, { edits: [{ path: CODINGS_FILE, edits: [{ start: line.start, end: line.end, newText: project.textOf(CODINGS_FILE)!.slice(line.start, line.end) }] }] });
    assert.equal(statSync(file).mtimeMs, before, 'not rewritten');
    // The transcript changes outside the editor (CRLF and BOM kept): the codings move by the
    // inserted text, and the codings file keeps its BOM.
    const outside = TEXT.replace('**R9:** [00:00:05]', '**R9:** [00:00:05] Ja.');
    writeFileSync(path.join(root, DOC), BOM + outside);
    await project.update(DOC, await project.fs.readText(DOC));
    await applyToDisk(project, { edits: project.reanchoredCodingEdits(DOC) });
    const disk = readFileSync(file, 'utf8');
    assert.ok(disk.startsWith(BOM), 'the codings file keeps its BOM');
    const lines = disk.slice(1).trim().split('\n').map((l) => JSON.parse(l) as Coding);
    assert.deepEqual(lines.map((c) => [c.start, outside.slice(c.start, c.end)]), PASSAGES.map((p) => [outside.indexOf(p), p]));
  });
});

describe('codebook changes of an open transcript’s codings (core)', () => {
  it('a rename of the only coding of a code, in an open transcript, recounts both codes', async () => {
    const text = TEXT;
    const c = codingOf(PASSAGES[0], 'c0');
    const fs = new MemoryFileSystem({ 'qda.yaml': 'coder: anna\n', 'codebook.md': '## Tema\n- **Kode** — en kode\n- **Ny** — ny\n', [DOC]: text, [CODINGS_FILE]: JSON.stringify(c) + '\n' });
    const project = new Project(fs, 'anna');
    await project.load();
    project.openTranscript(DOC, text);
    assert.equal(project.countsOfCode('Kode').codings, 1);
    assert.equal(project.countsOfCode('Ny').codings, 0);
    await project.update(CODINGS_FILE, JSON.stringify({ ...c, code: 'Ny' }) + '\n');
    assert.deepEqual([project.countsOfCode('Kode').codings, project.countsOfCode('Ny').codings], [0, 1]);
    assert.equal(project.codingsOfDoc(DOC)[0].coding.code, 'Ny');
  });
});
