// Issue 13, point 6: an open document's text is kept in chunks (PieceText) so that a keystroke
// in a long transcript does not copy the whole text. These tests hold it to the behaviour of
// what it replaces: String operations, TextDocument from vscode-languageserver-textdocument
// (OpenDocument ports its offsets), and the project fed with plain strings.
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { PieceText, TextMap } from '../../server/src/core/text/pieceText';
import { OpenDocument } from '../../server/src/openDocument';
import { ServerWorkspace } from '../../server/src/workspace';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project, type CodingInfo } from '../../server/src/core/project/project';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { corpus, rng } from './anchoring-fixtures';

const PIECES = ['x', 'æ', '😀', '\n', '\r\n', '\r', 'ord ', '**I1:** ', 'lang tekst som limes inn '.repeat(900)];

function randomEdit(rand: () => number, length: number): { start: number; end: number; text: string } {
  const start = Math.floor(rand() * (length + 1));
  const r = rand();
  // Mostly keystrokes; sometimes a deletion across chunks, a paste, or most of the text.
  const span = r < 0.6 ? 0 : r < 0.8 ? Math.floor(rand() * 3) : r < 0.95 ? Math.floor(rand() * 30000) : length;
  const end = Math.min(length, start + span);
  const text = rand() < 0.3 ? '' : PIECES[Math.floor(rand() * PIECES.length)];
  return { start, end, text };
}

describe('PieceText (open documents in chunks)', () => {
  it('reads and edits exactly as a string does, across chunk boundaries, pastes and deletions', () => {
    const rand = rng(13);
    let s = corpus('intervju-R2.md').repeat(6); // ~100 KB: a dozen chunks
    let t = PieceText.from(s);
    for (let step = 0; step < 1500; step++) {
      const e = randomEdit(rand, s.length);
      s = s.slice(0, e.start) + e.text + s.slice(e.end);
      t = t.edit(e.start, e.end, e.text);
      assert.equal(t.length, s.length, `length after step ${step}`);
      for (let k = 0; k < 5; k++) {
        const a = Math.floor(rand() * (s.length + 2)) - 1;
        const b = a + Math.floor(rand() * 20000) - 100;
        assert.equal(t.slice(a, b), s.slice(a, b), `slice(${a}, ${b}) after step ${step}`);
        assert.equal(t.slice(a), s.slice(a));
        const i = Math.floor(rand() * (s.length + 2)) - 1;
        assert.ok(Object.is(t.charCodeAt(i), s.charCodeAt(i)), `charCodeAt(${i}) after step ${step}`);
      }
      if (step % 100 === 0) assert.equal(t.toString(), s);
    }
    assert.equal(t.toString(), s);
    assert.equal(PieceText.from('').edit(0, 0, 'abc').toString(), 'abc');
    assert.equal(PieceText.from('abc').edit(0, 3, '').toString(), '');
  });

  it('a TextMap builds a held text only when it is read as a string, once', () => {
    const m = new TextMap();
    const t = PieceText.from('a'.repeat(20000)).edit(5, 5, 'b');
    m.setSource('t.md', t);
    m.set('c.md', 'codebook');
    assert.equal(m.source('t.md'), t);
    assert.ok(m.has('t.md'));
    assert.equal(m.size, 2);
    assert.equal(t.builtAs('a'.repeat(5) + 'b' + 'a'.repeat(19995)), false, 'not built by holding it');
    const s = m.get('t.md')!;
    assert.equal(s, 'a'.repeat(5) + 'b' + 'a'.repeat(19995));
    assert.equal(m.get('t.md'), s);
    assert.ok(t.builtAs(s));
    assert.deepEqual([...m.entries()], [['t.md', s], ['c.md', 'codebook']]);
    assert.deepEqual([...m.values()], [s, 'codebook']);
    m.set('t.md', 'plain');
    assert.equal(m.source('t.md'), 'plain');
    assert.equal(m.get('t.md'), 'plain');
    m.delete('t.md');
    assert.equal(m.get('t.md'), undefined);
  });
});

describe('OpenDocument (the server\'s open documents)', () => {
  // Anywhere, for offsetAt; a change's range stays on existing lines, as an editor's does
  // (TextDocument's line arithmetic goes wrong on a range past the last line, and so would a port).
  const position = (rand: () => number, lines: number) => ({ line: Math.floor(rand() * (lines + 2)) - 1, character: Math.floor(rand() * 90) - 2 });
  const inRange = (rand: () => number, lines: number) => ({ line: Math.floor(rand() * lines), character: Math.floor(rand() * 90) });

  it('gives the offsets and text TextDocument gives, for random changes with LF, CRLF and CR line ends', () => {
    const rand = rng(7);
    const base = corpus('intervju-R2.md');
    for (const text of [base, base.replace(/\n/g, '\r\n'), base.slice(0, 3000).replace(/\n\n/g, '\r\r') + base.slice(3000)]) {
      let reference = TextDocument.create('file:///t.md', 'markdown', 1, text);
      const doc = new OpenDocument('file:///t.md', 'markdown', 1, text);
      for (let step = 0; step < 600; step++) {
        const changes: TextDocumentContentChangeEvent[] = [];
        const before = reference.getText();
        const n = rand() < 0.9 ? 1 : 3;
        // Each change of one event refers to the text after the previous (LSP); the offsets
        // are what the server took from TextDocument: each change's, just before it.
        const expected: { start: number; end: number }[] = [];
        for (let k = 0; k < n; k++) {
          const c: TextDocumentContentChangeEvent =
            rand() < 0.01
              ? { text: rand() < 0.5 ? base.slice(0, 2000) : base }
              : { range: { start: inRange(rand, reference.lineCount), end: inRange(rand, reference.lineCount) }, text: PIECES[Math.floor(rand() * (PIECES.length - 1))] };
          changes.push(c);
          expected.push('range' in c ? { start: reference.offsetAt(c.range.start), end: reference.offsetAt(c.range.end) } : { start: 0, end: reference.getText().length });
          reference = TextDocument.update(reference, [c], step + 2);
        }
        const got = changes.map((c) => doc.apply(c));
        // TextDocument swaps a reversed range; the server's offsets came unswapped from offsetAt.
        assert.deepEqual(got.map((g) => [Math.min(g.start, g.end), Math.max(g.start, g.end)]), expected.map((e) => [Math.min(e.start, e.end), Math.max(e.start, e.end)]), `offsets at step ${step}`);
        assert.equal(doc.getText(), reference.getText(), `text at step ${step}: ${JSON.stringify(changes).slice(0, 300)} on ${JSON.stringify(before.slice(0, 100))}`);
        for (let k = 0; k < 10; k++) {
          const p = position(rand, reference.lineCount);
          assert.equal(doc.offsetAt(p), reference.offsetAt(p), `offsetAt(${JSON.stringify(p)}) at step ${step}`);
        }
      }
    }
  });
});

describe('keystrokes in an open transcript held in chunks', () => {
  const R2 = corpus('intervju-R2.md');
  const T = 'transcripts/R2.md';
  const passages = ['Jeg har lest skrivet', 'jobbet i banken i tjueto år', 'jeg var ganske skeptisk i starten', 'var egentlig lederen vår'];
  const codings: Coding[] = passages.map((p, i) => {
    const start = R2.indexOf(p);
    return { id: `c${i}`, doc: T, start, end: start + p.length, code: 'Kode', ...makeQuoteSelector(R2, start, start + p.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
  });
  const files = { 'qda.yaml': 'coder: anna\n', 'codebook.md': '## Tema\n- **Kode** — en kode\n', [T]: R2, '.qda/codings/anna.jsonl': codings.map((c) => JSON.stringify(c) + '\n').join('') };
  const summary = (infos: CodingInfo[]): unknown[] => infos.map((i) => ({ id: i.coding.id, start: i.coding.start, end: i.coding.end, exact: i.coding.exact, prefix: i.coding.prefix, suffix: i.coding.suffix, anchored: i.anchored, informants: i.informants }));

  it('shift the codings as with plain strings, and the text is built only when a reader asks for all of it', async () => {
    const chunked = new Project(new MemoryFileSystem(files), 'anna');
    const plain = new Project(new MemoryFileSystem(files), 'anna');
    await chunked.load();
    await plain.load();
    const ws = new ServerWorkspace('/tmp/qda-piece', chunked);
    const doc = new OpenDocument('file:///tmp/qda-piece/' + T, 'markdown', 1, R2);
    chunked.openTranscript(T, doc.getText());
    plain.openTranscript(T, R2);
    assert.deepEqual(summary(chunked.codingsOfDoc(T)), summary(plain.codingsOfDoc(T)));
    const rand = rng(3);
    let text = R2;
    for (let step = 0; step < 300; step++) {
      // Typing and deleting inside turns' text (the keystroke path), now and then a line break.
      // Inside a turn's text: after its label and timestamp, at the start of a word.
      let at = -1;
      while (at < 0) {
        const k = text.indexOf(' ', Math.floor(rand() * text.length));
        const lineStart = text.lastIndexOf('\n', k) + 1;
        const stamp = text.indexOf('] ', lineStart);
        if (k > 0 && text.startsWith('**', lineStart) && stamp > 0 && stamp + 2 < k && !text.slice(lineStart, k).includes('\n')) at = k + 1;
      }
      const lp = ws.lineIndex(T).positionAt(at);
      const insert = rand() < 0.95 ? (rand() < 0.7 ? 'x' : '') : '\n';
      const range = { start: lp, end: insert === '' ? { line: lp.line, character: lp.character + 1 } : lp };
      const changes = [doc.apply({ range, text: insert })];
      text = text.slice(0, changes[0].start) + insert + text.slice(changes[0].end);
      ws.noteEdit(T, changes, doc.text);
      chunked.editTranscript(T, changes, doc.text);
      plain.editTranscript(T, changes, text);
      if (insert !== '\n') {
        // The keystroke path holds the editor's chunks; nothing above built them into one string.
        assert.equal(chunked.textSourceOf(T), doc.text, `held as chunks at step ${step}`);
        assert.equal(doc.text.builtAs(text), false, `not built at step ${step}`);
      }
      if (step % 25 === 0) {
        assert.deepEqual(summary(chunked.codingsOfDoc(T)), summary(plain.codingsOfDoc(T)), `codings at step ${step}`);
        const q = ws.toPosition(T, at);
        assert.deepEqual(q, { line: text.slice(0, at).split('\n').length - 1, character: at - text.lastIndexOf('\n', at - 1) - 1 });
      }
    }
    assert.equal(chunked.textOf(T), text);
    assert.deepEqual(summary(chunked.codingsOfDoc(T)), summary(plain.codingsOfDoc(T)));
  });
});
