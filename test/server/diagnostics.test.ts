// Diagnostics over stdio on a copy of the demo thesis: a change republishes only the lists it
// changed (a project has hundreds of files with diagnostics; VS Code handles each one sent).
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification } from 'vscode-languageserver-protocol';
import { copyOfDemo, serverSuite } from './lspClient';


describe('diagnostics publishing', function () {
  this.timeout(30000);
  const ctx = serverSuite(async () => copyOfDemo('qda-diag-'));

  it('sends a file whose diagnostics changed, and not the files whose did not', async () => {
    const memo = 'memos/teori/Wenger 1998.md';
    const text = await ctx.editor.open(memo);
    // Another file with diagnostics of its own, published once at start-up.
    const other = [...ctx.editor.diagnostics].find(([uri, d]) => d.length > 0 && uri !== ctx.editor.uri(memo));
    assert.ok(other, 'the demo has a file with diagnostics');
    const sentBefore = ctx.editor.diagnosticsSent.get(other[0]);
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: ctx.editor.uri(memo), version: 2 },
      contentChanges: [{ text: text + '\nSe [[Finnes ikke]].\n' }],
    });
    const diags = await ctx.editor.waitForDiagnostics(memo, (d) => d.length === 1);
    assert.equal(diags[0]!.code, 'qda.unresolvedLink');
    // Fixing it sends the memo's empty list; the other file was not sent again meanwhile.
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: ctx.editor.uri(memo), version: 3 },
      contentChanges: [{ text }],
    });
    await ctx.editor.waitForDiagnostics(memo, (d) => d.length === 0);
    assert.equal(ctx.editor.diagnosticsSent.get(other[0]), sentBefore);
    assert.deepEqual(ctx.editor.diagnostics.get(other[0]), other[1]);
  });

  it('keeps judging an open file by its unsaved text after qda.yaml changes', async () => {
    const memo = 'memos/analytisk-memo-lederen.md';
    const text = await ctx.editor.open(memo);
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: ctx.editor.uri(memo), version: 2 },
      contentChanges: [{ text: text + '\nSe [[Ingen slik note]].\n' }],
    });
    await ctx.editor.waitForDiagnostics(memo, (d) => d.some((x) => x.code === 'qda.unresolvedLink'));
    // qda.yaml changes on disk (git pull): the project is read again, the memo is still open.
    const yaml = path.join(ctx.root, 'qda.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8') + '\n# endret\n');
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('qda.yaml'), type: 2 }] });
    // Wait for the reload's diagnostics pass: a link broken on disk only would vanish.
    const sent = ctx.editor.diagnosticsSent.get(ctx.editor.uri(memo)) ?? 0;
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(ctx.editor.diagnostics.get(ctx.editor.uri(memo))!.some((x) => x.code === 'qda.unresolvedLink' && x.message.includes('Ingen slik note')),
      `after the reload (${(ctx.editor.diagnosticsSent.get(ctx.editor.uri(memo)) ?? 0) - sent} publications) the memo's unsaved link is still judged`);
  });
});
