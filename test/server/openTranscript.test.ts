// qda/documentCodings (and qda/documentPaint, what the extension paints from) right after didOpen:
// exactly the document's codings, also after codings were added and removed while it was closed.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { documentCodingsRequest, documentPaintRequest } from '../../server/src/protocol';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R2 = readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8');
const R3 = readFileSync(path.join(CORPUS, 'interview-R3-en.md'), 'utf8');
const PASSAGES = ['Jeg har lest skrivet', 'jobbet i banken i tjueto år', 'jeg var ganske skeptisk i starten', 'Fint. Kan du først fortelle'];

function codingFor(doc: string, text: string, exact: string, id: string): Coding {
  const start = text.indexOf(exact);
  return { id, doc, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(text, start, start + exact.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
}

const jsonl = (codings: Coding[]): string => codings.map((c) => JSON.stringify(c) + '\n').join('');
const r3Coding = (): Coding => codingFor('transcripts/R3.md', R3, R3.slice(400, 430), 'r3');

async function project(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-open-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.mkdir(path.join(root, '.qda/codings'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Tema\n- **Kode** — en kode\n');
  await fsp.writeFile(path.join(root, 'transcripts/R2.md'), R2);
  await fsp.writeFile(path.join(root, 'transcripts/R3.md'), R3);
  await fsp.writeFile(path.join(root, '.qda/codings/anna.jsonl'), jsonl([...PASSAGES.slice(0, 3).map((p, i) => codingFor('transcripts/R2.md', R2, p, `c${i}`)), r3Coding()]));
  return root;
}

describe('qda/documentCodings right after opening a transcript', function () {
  this.timeout(30000);
  const ctx = serverSuite(project);
  const uri = (): string => ctx.editor.uri('transcripts/R2.md');
  /** [id, the text its range covers in `text`], by id. */
  const seen = async (text: string): Promise<Array<[string, string]>> => {
    const list = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: uri() });
    // What decorations are painted from says the same: the anchored ones, by colour, in order.
    const paint = await ctx.editor.connection.sendRequest(documentPaintRequest, { uri: uri() });
    const byColor: Record<string, number[]> = {};
    for (const d of list) if (d.anchored) (byColor[d.color] ??= []).push(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
    assert.deepEqual(paint.colors, byColor);
    const li = new LineIndex(text);
    return list.map((d): [string, string] => [d.id, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))]).sort((a, b) => a[0].localeCompare(b[0]));
  };
  const close = (): Promise<void> => ctx.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri() } });

  it('answers with exactly the document\'s codings, before and after codings came and went while it was closed', async () => {
    const expected = (ids: number[]): Array<[string, string]> => ids.map((i): [string, string] => [`c${i}`, PASSAGES[i]]);
    assert.deepEqual(await seen(R2), expected([0, 1, 2]));
    await ctx.editor.open('transcripts/R2.md');
    assert.deepEqual(await seen(R2), expected([0, 1, 2]));

    // A keystroke before the first passage moves every coding while the document is open.
    const at = R2.indexOf('Ja da, det er helt greit');
    const pos = new LineIndex(R2).positionAt(at);
    const typed = R2.slice(0, at) + 'Å ' + R2.slice(at);
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(), version: 2 }, contentChanges: [{ range: { start: pos, end: pos }, text: 'Å ' }] });
    assert.deepEqual(await seen(typed), expected([0, 1, 2]));
    await close(); // unsaved: the disk's text and offsets again

    // While closed: c1 removed, c3 added (another editor, git pull).
    const codingsFile = path.join(ctx.root, '.qda/codings/anna.jsonl');
    await fsp.writeFile(codingsFile, jsonl([codingFor('transcripts/R2.md', R2, PASSAGES[0], 'c0'), codingFor('transcripts/R2.md', R2, PASSAGES[2], 'c2'), codingFor('transcripts/R2.md', R2, PASSAGES[3], 'c3'), r3Coding()]));
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('.qda/codings/anna.jsonl'), type: FileChangeType.Changed }] });
    await ctx.editor.open('transcripts/R2.md');
    assert.deepEqual(await seen(R2), expected([0, 2, 3]));
    await close();
    assert.deepEqual(await seen(R2), expected([0, 2, 3]));

    const r3 = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R3.md') });
    assert.deepEqual(r3.map((d) => d.id), ['r3']);
  });
});
