// Issue 7 in a real VS Code: insert a quote from a coded segment in the Codebook tree into the
// demo chapter, see no diagnostic, then change one word of it and see the mismatch.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, findCodeNode, workspaceRoot } from './helpers';

const CHAPTER = 'chapters/kapittel-5-funn.md';
const QUOTE_CODES = ['qda.quoteMismatch', 'qda.quoteWrongInformant', 'qda.quoteMissingCoding', 'qda.quoteNoSource', 'qda.quoteCrossSpeakers'];

describe('quotes in a real VS Code', function () {
  this.timeout(60_000);

  it('inserts a coded segment from the tree as «…» (informant)<!--qda:id--> and flags a changed word', async function () {
    const api = await qda();
    const codeNode = await findCodeNode(api.codebookTree, 'Superbrukere som støtte');
    assert.ok(codeNode, 'the tree shows the code "Superbrukere som støtte"');
    const segments = (await api.codebookTree.getChildren(codeNode.element as never)) ?? [];
    assert.ok(segments.length > 0, 'the code has coded segments in the tree');
    const segment = segments[0] as { kind: string; segment: { id: string; text: string; informants: string[] } };
    assert.equal(segment.kind, 'segment');

    const uri = vscode.Uri.file(path.join(workspaceRoot(), CHAPTER));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const end = editor.document.positionAt(editor.document.getText().length);
    await editor.edit((b) => b.insert(end, '\nSuperbrukerne var viktige: '));
    const cursor = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(cursor, cursor);

    await vscode.commands.executeCommand('qda.segmentInsertQuote', segment);
    const text = await waitFor('the quote in the chapter', () => {
      const t = editor.document.getText();
      return t.includes(`<!--qda:${segment.segment.id}-->`) ? t : undefined;
    });
    const inserted = text.slice(text.lastIndexOf('Superbrukerne var viktige: ') + 'Superbrukerne var viktige: '.length);
    const informant = segment.segment.informants[0];
    const firstWords = segment.segment.text.replace(/\*\*[^*]+:\*\*\s*(\[[\d:]+\]\s*)?/g, '').split(/\s+/).slice(0, 4).join(' ');
    assert.ok(inserted.includes(firstWords), `the quote carries the segment's words: ${inserted}`);
    assert.ok(inserted.includes(`(${informant})<!--qda:${segment.segment.id}-->`), `the quote names ${informant} and carries the anchor: ${inserted}`);

    const quoteLine = editor.document.positionAt(text.lastIndexOf('<!--qda:')).line;
    const quoteDiagnostics = (): vscode.Diagnostic[] =>
      vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line <= quoteLine && d.range.end.line >= quoteLine - 3 && QUOTE_CODES.includes(String(typeof d.code === 'object' ? d.code.value : d.code)));
    // Give the server time to check the new quote, then expect no complaint about it.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(quoteDiagnostics().map((d) => d.message), []);

    // Change one quoted word: the quote no longer matches its source.
    const word = firstWords.split(' ').find((w) => /^\p{L}{3,}$/u.test(w));
    assert.ok(word, `a word to change in "${firstWords}"`);
    const at = text.lastIndexOf(word);
    await editor.edit((b) => b.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + word.length)), 'XYZZY'));
    const mismatch = await waitFor('a qda.quoteMismatch diagnostic on the changed quote', () => quoteDiagnostics().find((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'qda.quoteMismatch'));
    assert.match(mismatch.message, /XYZZY|xyzzy/i);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
