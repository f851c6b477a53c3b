// Events that reach the server while its queue is busy (issue 13, point 1): VS Code restores
// open editors and the student types while the index is still loading, or a save is still
// writing codings files when the next edits arrive. Every coding must move by each edit once.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification } from 'vscode-languageserver-protocol';
import { TestEditor } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { documentCodingsRequest } from '../../server/src/protocol';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { rng } from '../unit/anchoring-fixtures';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R2 = readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8');
const R3 = readFileSync(path.join(CORPUS, 'interview-R3-en.md'), 'utf8');
const DOC = 'transcripts/R2.md';

/** Sentences of R2's informant turns that occur once, as coded passages. */
const PASSAGES = R2.split(/(?<=[.?!])\s+/)
  .map((s) => s.replace(/^\*\*R2:\*\* \[[\d:]+\] /, ''))
  .filter((s) => s.length > 30 && !s.includes('**') && !s.includes('\n') && R2.indexOf(s) === R2.lastIndexOf(s))
  .filter((_, i) => i % 3 === 0)
  .slice(0, 12);

function codingFor(text: string, exact: string, id: string): Coding {
  const start = text.indexOf(exact);
  return { id, doc: DOC, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(text, start, start + exact.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
}

/**
 * R2 with codings of PASSAGES, plus `filler` more transcripts with a codings file each, so
 * that loading the index takes a while (the queue is busy while it does).
 */
async function project(filler: number): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-race-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.mkdir(path.join(root, '.qda/codings/anna/transcripts'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Tema\n- **Kode** — en kode\n');
  await fsp.writeFile(path.join(root, DOC), R2);
  await fsp.writeFile(path.join(root, '.qda/codings/anna/transcripts/R2.md.jsonl'), PASSAGES.map((p, i) => JSON.stringify(codingFor(R2, p, `c${i}`)) + '\n').join(''));
  for (let k = 0; k < filler; k++) {
    const doc = `transcripts/R3-${k}.md`;
    await fsp.writeFile(path.join(root, doc), R3);
    const lines: string[] = [];
    for (let j = 0; j < 40; j++) {
      const start = 300 + j * 97;
      lines.push(JSON.stringify({ id: `f${k}-${j}`, doc, start, end: start + 40, code: 'Kode', ...makeQuoteSelector(R3, start, start + 40), coder: 'anna', at: '2026-11-23T10:00:00Z' }));
    }
    await fsp.writeFile(path.join(root, `.qda/codings/anna/${doc}.jsonl`), lines.join('\n') + '\n');
  }
  return root;
}

/** An editor's view of one transcript: its text, what is on disk, and the events it sends. */
class Tab {
  open = false;
  version = 0;
  text: string;
  constructor(
    private readonly editor: TestEditor,
    public disk: string,
  ) {
    this.text = disk;
  }
  get uri(): string {
    return this.editor.uri(DOC);
  }
  async didOpen(): Promise<void> {
    this.open = true;
    this.text = this.disk;
    await this.editor.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: this.uri, languageId: 'markdown', version: ++this.version, text: this.text } });
  }
  /** One didChange with the given changes, each in the text after the previous one. */
  async didChange(changes: Array<{ start: number; end: number; text: string }>): Promise<void> {
    const contentChanges = changes.map((c) => {
      const li = new LineIndex(this.text);
      const range = { start: li.positionAt(c.start), end: li.positionAt(c.end) };
      this.text = this.text.slice(0, c.start) + c.text + this.text.slice(c.end);
      return { range, text: c.text };
    });
    await this.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: this.uri, version: ++this.version }, contentChanges });
  }
  /** As VS Code saves: the file is written, then didSave. */
  async save(): Promise<void> {
    this.disk = this.text;
    await fsp.writeFile(path.join(this.editor.root, DOC), this.disk);
    await this.editor.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: this.uri } });
  }
  /** Closed without saving: the editor's unsaved text is gone. */
  async close(): Promise<void> {
    this.open = false;
    this.text = this.disk;
    await this.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: this.uri } });
  }
}

/** What the server says each coding covers now, read from the text the editor shows. */
async function seen(editor: TestEditor, text: string): Promise<Array<[string, string]>> {
  const list = await editor.connection.sendRequest(documentCodingsRequest, { uri: editor.uri(DOC) });
  const li = new LineIndex(text);
  return list.map((d) => [d.id, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))] as [string, string]).sort((a, b) => Number(a[0].slice(1)) - Number(b[0].slice(1)));
}

const expected = (): Array<[string, string]> => PASSAGES.map((p, i) => [`c${i}`, p]);

function onDisk(root: string): Coding[] {
  return readFileSync(path.join(root, '.qda/codings/anna/transcripts/R2.md.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Coding);
}

async function waitFor(test: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('events that arrive while the server is busy', function () {
  this.timeout(60000);
  let editor: TestEditor | undefined;
  let root: string | undefined;
  afterEach(async () => {
    await editor?.stop();
    if (root) await fsp.rm(root, { recursive: true, force: true });
    editor = undefined;
    root = undefined;
  });

  it('open + change back to back while the index loads at start-up: codings move once, in the index and on save', async () => {
    assert.ok(PASSAGES.length >= 10, `fixture: only ${PASSAGES.length} passages`);
    root = await project(150);
    editor = await TestEditor.launch(root);
    const tab = new Tab(editor, R2);
    // A restored editor and the student typing 9 characters above every coding, before the
    // index is ready (the open is queued behind the load; the change arrives meanwhile).
    await tab.didOpen();
    const above = R2.indexOf('**Intervjuer:**');
    await tab.didChange([{ start: above, end: above, text: 'Notat 1. ' }]);
    assert.equal(editor.isReady, false, 'the test must send both while the index is loading');
    await editor.ready;
    assert.deepEqual(await seen(editor, tab.text), expected());
    await tab.save();
    await waitFor(() => onDisk(root!)[0].start !== R2.indexOf(PASSAGES[0]), 'the codings file written after the save');
    const disk = onDisk(root);
    assert.deepEqual(
      disk.map((c) => [c.id, c.start - R2.indexOf(c.exact), tab.disk.slice(c.start, c.end)]),
      PASSAGES.map((p, i) => [`c${i}`, 9, p]),
      'every coding moved by the 9 characters typed, once',
    );
  });

  // The torture test below failed now and then; this is its failure reduced. The server keeps
  // each file's line index (offsets <-> positions) and moves it along with an open document's
  // keystrokes. A transcript closed with unsaved edits is the disk's text again, but the kept
  // index still had the discarded edits' lines, and the first keystroke after opening it again
  // moved that stale index: every position sent was off by the discarded characters.
  it('a transcript closed with unsaved edits, opened again and typed in: codings are reported on their passages', async () => {
    root = await project(0);
    editor = await TestEditor.start(root);
    const tab = new Tab(editor, R2);
    const above = R2.indexOf('**Intervjuer:**');
    await tab.didOpen();
    await tab.didChange([{ start: above, end: above, text: 'Notat 1. ' }]);
    // Positions are asked for: the server indexes the lines of this text.
    assert.deepEqual(await seen(editor, tab.text), expected());
    await tab.close(); // without saving: the 9 characters are gone
    await tab.didOpen();
    await tab.didChange([{ start: above, end: above, text: 'x' }]);
    assert.deepEqual(await seen(editor, tab.text), expected(), 'after the first keystroke of the reopened transcript');
  });

  // The torture test's other failure, reduced: there the index read a transcript the editor had
  // already saved again (the test saves while the index loads); here it was changed in another
  // editor while the server was not running. The codings placed in that text were kept after the
  // student changed it back and saved, so closing it put them where they had been in that text.
  it('a transcript changed outside while the server was down, opened, changed back, saved and closed: codings on their passages', async () => {
    root = await project(0);
    const note = 'Notat skrevet i en annen editor.\n\n';
    await fsp.writeFile(path.join(root, DOC), note + R2);
    editor = await TestEditor.start(root);
    const tab = new Tab(editor, note + R2);
    await tab.didOpen();
    assert.deepEqual(await seen(editor, tab.text), expected(), 'placed at start-up');
    await tab.didChange([{ start: 0, end: note.length, text: '' }]);
    await tab.save();
    await tab.close();
    assert.deepEqual(await seen(editor, tab.text), expected(), 'after closing');
    await tab.didOpen();
    const above = R2.indexOf('**Intervjuer:**');
    await tab.didChange([{ start: above, end: above, text: 'x' }]);
    await tab.save();
    assert.deepEqual(await seen(editor, tab.text), expected(), 'opened again and typed in');
    await waitFor(() => onDisk(root!)[0].start === R2.indexOf(PASSAGES[0]) + 1, 'the codings file written after the save');
    assert.deepEqual(
      onDisk(root).map((c) => [c.id, tab.disk.slice(c.start, c.end)]),
      PASSAGES.map((p, i) => [`c${i}`, p]),
      'the codings file',
    );
  });

  // The edit torture's busy-queue mode: random opens, edits (several changes per event too),
  // saves and closes sent back to back — from the start, while the index loads, and later
  // while saves write codings files — checked whenever the server has caught up.
  it('keeps every coding on its passage through 400 interleaved opens, changes, saves and closes sent while the queue is busy', async () => {
    root = await project(60);
    editor = await TestEditor.launch(root);
    const tab = new Tab(editor, R2);
    // QDA_RACE_SEED: another sequence (1313 by default); QDA_RACE_LOG: a file that gets the
    // sequence sent when a check fails (to reduce a failure to its few events).
    const seed = Number(process.env.QDA_RACE_SEED ?? 1313);
    const r = rng(seed);
    const sent: unknown[] = [];
    const SNIPPETS = ['a', ' ', 'og ', 'ikke ', '😀', '\n\n', 'æøå ', 'mange ord her, ', '**R2:** '];
    /** A position outside every coded passage and its selector context reach (a random gap). */
    const freePosition = (text: string): number => {
      const spans = PASSAGES.map((p) => text.indexOf(p)).sort((a, b) => a - b);
      const gaps: Array<[number, number]> = [];
      let from = 0;
      for (const s of spans) {
        const p = PASSAGES.find((x) => text.indexOf(x) === s)!;
        if (s - 1 > from) gaps.push([from, s - 1]);
        from = s + p.length + 1;
      }
      if (from < text.length) gaps.push([from, text.length]);
      const [a, b] = gaps[Math.floor(r() * gaps.length)];
      let at = a + Math.floor(r() * (b - a));
      // Never inside a surrogate pair (the emoji snippet).
      const c = text.charCodeAt(at);
      if (c >= 0xdc00 && c <= 0xdfff) at--;
      return at;
    };
    const randomChange = (text: string): { start: number; end: number; text: string } => {
      const s = freePosition(text);
      if (r() < 0.6) return { start: s, end: s, text: SNIPPETS[Math.floor(r() * SNIPPETS.length)] };
      // A deletion that stays clear of the next passage.
      const next = Math.min(...PASSAGES.map((p) => text.indexOf(p)).filter((x) => x > s), text.length);
      let e = Math.min(s + 1 + Math.floor(r() * 6), next - 1);
      const c = text.charCodeAt(e);
      if (c >= 0xdc00 && c <= 0xdfff) e++;
      return e > s ? { start: s, end: e, text: '' } : { start: s, end: s, text: 'x' };
    };
    const kinds = { open: 0, change: 0, save: 0, close: 0, checks: 0 };
    await tab.didOpen();
    kinds.open++;
    sent.push('open');
    for (let step = 0; step < 400; step++) {
      const x = r();
      if (!tab.open) {
        await tab.didOpen();
        kinds.open++;
        sent.push('open');
      } else if (x < 0.6) {
        const n = r() < 0.2 ? 3 : 1;
        // Changes of one event apply one after the other: each is made on the text after the previous.
        const changes: Array<{ start: number; end: number; text: string }> = [];
        let after = tab.text;
        for (let k = 0; k < n; k++) {
          const ch = randomChange(after);
          after = after.slice(0, ch.start) + ch.text + after.slice(ch.end);
          changes.push(ch);
        }
        await tab.didChange(changes);
        kinds.change++;
        sent.push(changes);
      } else if (x < 0.8) {
        await tab.save();
        kinds.save++;
        sent.push('save');
      } else {
        await tab.close();
        kinds.close++;
        sent.push('close');
      }
      if (step % 40 === 39) {
        // Caught up (a request waits for every event before it): the editor's text and the
        // codings file both show each coding on its passage.
        try {
          assert.deepEqual(await seen(editor, tab.text), expected(), `seed ${seed}, step ${step}: the index`);
          const disk = onDisk(root);
          assert.deepEqual(
            disk.map((c) => [c.id, tab.disk.slice(c.start, c.end)]),
            PASSAGES.map((p, i) => [`c${i}`, p]),
            `seed ${seed}, step ${step}: the codings file`,
          );
        } catch (err) {
          if (process.env.QDA_RACE_LOG) await fsp.writeFile(process.env.QDA_RACE_LOG, JSON.stringify({ seed, step, sent }, null, 1));
          throw err;
        }
        kinds.checks++;
        sent.push('check');
      }
    }
    assert.ok(kinds.open > 20 && kinds.change > 150 && kinds.save > 40 && kinds.close > 20 && kinds.checks === 10, JSON.stringify(kinds));
  });
});
