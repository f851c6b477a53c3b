// Framework mode over stdio on a copy of the demo thesis (issue 17.2): qda/framework gives the
// counts of qda/matrix with a summary per cell, and qda/frameworkNote a WorkspaceEdit of
// framework.md (a file the user reads) whose note the next qda/framework shows.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { serverSuite, copyOfDemo } from './lspClient';
import { frameworkNoteRequest, frameworkRequest, matrixRequest, type FrameworkResult } from '../../server/src/protocol';


const copyDemo = async (): Promise<string> => copyOfDemo('qda-framework-');

describe('framework mode of the matrix over stdio (demo thesis)', function () {
  this.timeout(30000);
  const ctx = serverSuite(copyDemo);

  it('gives the counts of qda/matrix and each cell\'s first segment; a note written through qda/frameworkNote replaces it', async () => {
    const params = { rows: 'themes' as const, cols: 'role', count: 'codings' as const };
    const counts = await ctx.editor.connection.sendRequest(matrixRequest, params);
    const fw = await ctx.editor.connection.sendRequest(frameworkRequest, params);
    assert.deepEqual(fw.columns, counts.columns);
    assert.deepEqual(fw.rows, counts.rows);
    assert.equal(fw.cells.length, fw.rows.length);
    assert.equal(fw.uri, ctx.editor.uri('framework.md'));
    // Every cell with codings has a summary with its informant; a cell without has none.
    for (const [i, row] of fw.rows.entries()) {
      for (const column of fw.columns) {
        const cell = fw.cells[i][column];
        if (row.cells[column] > 0) assert.ok(cell?.summary && cell.informant, `${row.name} × ${column} has a summary`);
        else assert.equal(cell, undefined, `${row.name} × ${column} is empty`);
      }
    }
    const row = fw.rows.findIndex((r) => r.name === 'Kompetanse og opplæring');
    assert.ok(fw.cells[row].rådgiver.summary!.length > 20);

    const note = 'Rådgiverne lærer best i sandkassa.\n\nSe også superbrukerne.';
    const reply = await ctx.editor.connection.sendRequest(frameworkNoteRequest, { row: 'Kompetanse og opplæring', column: 'rådgiver', text: note });
    assert.equal(reply.error, undefined);
    assert.ok(reply.edit, 'framework.md changes through a WorkspaceEdit');
    assert.deepEqual(reply.save, [ctx.editor.uri('framework.md')]);
    await ctx.editor.applyResult(reply);
    const onDisk = readFileSync(path.join(ctx.root, 'framework.md'), 'utf8');
    assert.ok(onDisk.includes(`## Kompetanse og opplæring\n\n### rådgiver\n\n${note}\n`), onDisk);
    assert.equal(onDisk.split('\n')[reply.position.line], 'Rådgiverne lærer best i sandkassa.', 'the position is the note\'s first line');
    let after: FrameworkResult | undefined;
    for (let i = 0; i < 100; i++) {
      after = await ctx.editor.connection.sendRequest(frameworkRequest, params);
      if (after.cells[row].rådgiver.note !== undefined) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(after!.cells[row].rådgiver.note, note);
    assert.deepEqual(after!.rows, counts.rows, 'the counts do not change with a note');
  });

  it('takes no note for the section of codes the codebook does not define, and writes nothing', async () => {
    const file = path.join(ctx.root, 'framework.md');
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const reply = await ctx.editor.connection.sendRequest(frameworkNoteRequest, { row: '(not in the codebook)', column: 'rådgiver', text: 'x' });
    assert.match(reply.error ?? '', /codes the codebook does not define/);
    assert.equal(reply.edit, undefined);
    assert.equal(existsSync(file) ? readFileSync(file, 'utf8') : undefined, before);
  });
});
