// Codebook work while a transcript is open (issue 13, point 2): the open document's codings
// follow a rename, merge, move or delete like every other, so the tree, the hover and the
// export from the editor say what `qda stats --codes` and `qda export` say from the files.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { copyOfDemo, serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { codebookTreeRequest, deleteCodeRequest, exportCodebookRequest, mergeCodesRequest, moveItemsRequest, renameItemRequest, type CodebookEditResult, type TreeNode } from '../../server/src/protocol';
import type { Coding } from '../../server/src/core/model/model';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const DOC = 'transcripts/intervju-R2.md';

type Counts = Record<string, string>;

describe('codebook work with a transcript open, over stdio', function () {
  this.timeout(60000);
  const ctx = serverSuite(async () => copyOfDemo('qda-live-codebook-'));

  /** "codings · informants" of every code, as the Codebook tree shows them. */
  const tree = async (): Promise<Counts> => {
    const result = await ctx.editor.connection.sendRequest(codebookTreeRequest, {});
    const out: Counts = {};
    const walk = (nodes: TreeNode[]): void => {
      for (const n of nodes) {
        if (n.kind === 'code') out[n.name] = `${n.codings} · ${n.informants}`;
        walk(n.children);
      }
    };
    walk(result.roots);
    return out;
  };
  /** The same from the files alone: `qda stats --codes --json`. */
  const cli = (): Counts => {
    const stats = JSON.parse(execFileSync(process.execPath, [CLI, 'stats', '--json', '--codes', ctx.root], { encoding: 'utf8' })) as { perCode: Array<{ name: string; codings: number; informants: number }> };
    return Object.fromEntries(stats.perCode.map((c) => [c.name, `${c.codings} · ${c.informants}`]));
  };
  const exported = async (): Promise<string> => (await ctx.editor.connection.sendRequest(exportCodebookRequest, { format: 'codebook-md' })).text!;
  const cliExport = (): string => execFileSync(process.execPath, [CLI, 'export', 'codebook-md', ctx.root], { encoding: 'utf8' });
  const r2Codings = (): Coding[] =>
    ['anna', 'bjorn'].flatMap((c) => readFileSync(path.join(ctx.root, `.qda/codings/${c}/${DOC}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Coding));
  /** The hover on the middle of R2's passage coded `code`. */
  const hoverOn = async (code: string): Promise<string> => {
    const c = r2Codings().find((x) => x.code === code);
    assert.ok(c, `R2 has a coding '${code}'`);
    const text = readFileSync(path.join(ctx.root, DOC), 'utf8');
    const position = new LineIndex(text).positionAt((c.start + c.end) >> 1);
    const hover = await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri(DOC) }, position });
    return (hover!.contents as MarkupContent).value;
  };
  const apply = async (result: CodebookEditResult): Promise<void> => {
    assert.equal(result.error, undefined);
    await ctx.editor.applyResult(result);
  };
  /** Tree, export and the CLI agree, for every code. */
  const agree = async (what: string): Promise<Counts> => {
    const counts = await tree();
    assert.deepEqual(counts, cli(), `${what}: the tree's counts are the CLI's`);
    assert.equal(await exported(), cliExport(), `${what}: the export from the editor is the CLI's`);
    return counts;
  };

  it('renames, merges, moves and deletes codes with intervju-R2.md open: tree, hover and export say what the CLI says', async () => {
    await ctx.editor.open(DOC);
    const before = await agree('opened');
    assert.equal(before['Lederen bruker systemet selv'], '10 · 4');

    // Rename (F2 in the tree): every coding of it, R2's open one included, under the new name.
    await apply(await ctx.editor.connection.sendRequest(renameItemRequest, { name: 'Lederen bruker systemet selv', newName: 'Lederen bruker CRM selv' }));
    let counts = await agree('renamed');
    assert.equal(counts['Lederen bruker CRM selv'], '10 · 4');
    assert.equal(counts['Lederen bruker systemet selv'], undefined);
    let hover = await hoverOn('Lederen bruker CRM selv');
    assert.match(hover, /\*\*Lederen bruker CRM selv\*\* — lederen åpner CRM/);
    assert.doesNotMatch(hover, /not in the codebook|Lederen bruker systemet selv/);

    // Merge a code with an R2 coding into it.
    const merged = before['Tall som utgangspunkt, ikke fasit'];
    await apply(await ctx.editor.connection.sendRequest(mergeCodesRequest, { sources: ['Tall som utgangspunkt, ikke fasit'], target: 'Lederen bruker CRM selv' }));
    counts = await agree('merged');
    assert.equal(counts['Tall som utgangspunkt, ikke fasit'], undefined);
    assert.equal(Number(counts['Lederen bruker CRM selv'].split(' · ')[0]), 10 + Number(merged.split(' · ')[0]));
    hover = await hoverOn('Lederen bruker CRM selv');
    assert.doesNotMatch(hover, /not in the codebook|Tall som utgangspunkt/);

    // Move a code with R2 codings to another theme: counts stay.
    await apply(await ctx.editor.connection.sendRequest(moveItemsRequest, { names: ['Aktivitetsmål som telling'], target: { kind: 'into', category: 'Sandkasse og superbrukere' } }));
    counts = await agree('moved');
    assert.equal(counts['Aktivitetsmål som telling'], before['Aktivitetsmål som telling']);
    assert.doesNotMatch(await hoverOn('Aktivitetsmål som telling'), /not in the codebook/);

    // Delete a code with two R2 codings: gone everywhere, none left in R2's hover.
    const deletion = await ctx.editor.connection.sendRequest(deleteCodeRequest, { name: 'E-læring gir lite' });
    assert.equal(deletion.removed, Number(before['E-læring gir lite'].split(' · ')[0]));
    await apply(deletion);
    counts = await agree('deleted');
    assert.equal(counts['E-læring gir lite'], undefined);
    assert.equal(r2Codings().filter((c) => c.code === 'E-læring gir lite').length, 0);
  });
});
