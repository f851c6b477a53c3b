// The edits a writer makes in the demo's R2 transcript, with both coders' codings in it:
// typing inside a coded passage, deleting it, undoing that, and putting the text back whole.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import { copyOfDemo, serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { documentCodingsRequest } from '../../server/src/protocol';
import type { Coding } from '../../server/src/core/model/model';

const DOC = 'transcripts/intervju-R2.md';

describe('editing a coded demo transcript through the server', function () {
  this.timeout(30000);
  const ctx = serverSuite(async () => copyOfDemo('qda-demo-'));

  it('keeps every coding of every coder in place through type, delete, undo and a wholesale put-back', async () => {
    const codings = ['anna', 'bjorn'].flatMap((c) => readFileSync(path.join(ctx.root, `.qda/codings/${c}/${DOC}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Coding)).filter((c) => c.doc === DOC);
    let text = await ctx.editor.open(DOC);
    const original = text;
    const uri = ctx.editor.uri(DOC);
    let version = 1;
    const change = async (start: number, end: number, insert: string): Promise<void> => {
      const li = new LineIndex(text);
      const range = { start: li.positionAt(start), end: li.positionAt(end) };
      text = text.slice(0, start) + insert + text.slice(end);
      await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [{ range, text: insert }] });
    };
    const seen = async (): Promise<Map<string, string>> => {
      const list = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri });
      const li = new LineIndex(text);
      return new Map(list.filter((d) => d.anchored).map((d) => [d.id, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))]));
    };
    const target = codings.filter((c) => c.exact.length > 30).sort((a, b) => b.start - a.start)[0];
    const space = target.exact.indexOf(' ');
    await change(target.start + space + 1, target.start + space + 1, 'jo ');
    const grown = target.exact.slice(0, space + 1) + 'jo ' + target.exact.slice(space + 1);
    assert.equal((await seen()).get(target.id), grown);
    await change(target.start, target.start + grown.length, '');
    assert.equal((await seen()).get(target.id), undefined);
    await change(target.start, target.start, grown);
    assert.equal((await seen()).get(target.id), grown);
    await change(0, text.length, original);
    const after = await seen();
    for (const c of codings) assert.equal(after.get(c.id), c.exact, `${c.coder} ${c.id} «${c.exact.slice(0, 40)}»`);
  });
});
