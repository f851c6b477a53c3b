// Issue 17.1 in a real VS Code: the Coded Segments view on the demo thesis, a webview view in
// the Thesis QDA container. It lists what `qda query --json` selects (for a code from the
// Codebook tree, for a typed query), a matrix cell reveals it with exactly that cell's segments,
// a segment opens its place, "Open in Editor" carries the list to a panel, and the view keeps
// its query when hidden and shown again (not recounting while hidden).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import JSZip from 'jszip';
import { EXTENSION_ID, qda, readCodings, uncodedPassage, waitFor, walkTree, workspaceRoot } from './helpers';
import type { CodedSegmentsResult, MatrixResult } from '../../server/src/protocol';

interface CliSegment { doc: string; start: number; end: number; code: string; coder: string; informant: string | null; text: string }

/** The segments webview tabs in the editor area (a panel's viewType carries VS Code's prefix). */
function segmentTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('qda.segments'));
}

function cliQuery(query: string): CliSegment[] {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
  return JSON.parse(execFileSync(process.execPath, [cli, 'query', query, '--json', workspaceRoot()], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })) as CliSegment[];
}

describe('the Coded Segments view in a real VS Code', function () {
  this.timeout(60_000);

  it("lists a theme's segments from the Codebook tree as qda query does, and opens one at its place", async function () {
    const api = await qda();
    await vscode.workspace.saveAll(false);
    const theme = 'Kompetanse og opplæring';
    const node = (await walkTree(api.codebookTree, 1)).find((n) => n.label === theme || n.label.startsWith(theme + ' '));
    assert.ok(node, `the Codebook tree has the theme "${theme}"`);
    const shown = await vscode.commands.executeCommand<{ result: CodedSegmentsResult; rendered: { items: number; groups: number; firstText: string; summary: string } }>('qda.segmentsShow', node.element);
    // A webview view of the Thesis QDA container, on screen; no tab in the editor area.
    const views = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { views: Record<string, Array<{ id: string; type?: string }>> } }).contributes.views;
    assert.ok(views.thesisQda.some((v) => v.id === 'qda.segmentsView' && v.type === 'webview'), 'the view is contributed to the Thesis QDA container as a webview');
    const where = api.analysis.segments();
    assert.equal(where?.host, 'view');
    assert.equal(where.visible, true, 'the view is shown');
    assert.equal(segmentTabs().length, 0, 'no segments panel in the editor area');
    const expected = cliQuery(`"${theme}"`);
    assert.ok(expected.length > 5, 'the demo codes this theme');
    assert.equal(shown.result.total, expected.length);
    assert.deepEqual(shown.result.segments.map((s) => [s.doc, s.code, s.coder, s.informant, s.text]), expected.map((s) => [s.doc, s.code, s.coder, s.informant, s.text]));
    // What the page drew: one entry per segment, one heading per code, the count above.
    assert.equal(shown.rendered.items, expected.length);
    assert.equal(shown.rendered.groups, new Set(expected.map((s) => s.code)).size);
    assert.match(shown.rendered.summary, new RegExp(`^${expected.length}\\b`));
    // Every entry carries its informant's attributes from qda.yaml and theme › group › code.
    const withInformant = shown.result.segments.find((s) => s.informant === 'R1');
    assert.ok(withInformant, 'R1 has a segment in this theme');
    assert.equal(withInformant.attributes.role, 'rådgiver');
    assert.equal(withInformant.theme, theme);

    // A click on the first entry opens its transcript at its line, beside the list.
    const first = shown.result.segments[0];
    await api.analysis.toSegments({ type: 'open', index: 0 });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'a transcript editor is active');
    assert.equal(path.relative(workspaceRoot(), editor.document.uri.fsPath).split(path.sep).join('/'), first.doc);
    assert.equal(editor.selection.start.line + 1, first.line);
    assert.equal(editor.document.getText(editor.selection), first.text);
  });

  it('runs a typed query with AND NOT, as qda query --json does', async function () {
    const api = await qda();
    const query = '"Kompetanse og opplæring" AND NOT "Ledelse av innføringen"';
    await api.analysis.toSegments({ type: 'query', query });
    // The page reports each drawing with the query it drew for (an edit elsewhere may redraw).
    const drawn = await waitFor('the page draws the query', () => { const s = api.analysis.segments(); return s?.rendered?.query === query ? s : undefined; });
    const expected = cliQuery(query);
    assert.equal(drawn.result!.total, expected.length);
    assert.deepEqual(drawn.result!.segments.map((s) => s.text), expected.map((s) => s.text));
    assert.equal(drawn.rendered!.items, expected.length);
    // A query that cannot be read says where, and lists nothing.
    const badQuery = '"Kompetanse og opplæring" AND';
    await api.analysis.toSegments({ type: 'query', query: badQuery });
    const bad = await waitFor('the page draws the bad query', () => { const s = api.analysis.segments(); return s?.rendered?.query === badQuery ? s.rendered : undefined; });
    assert.equal(bad.items, 0);
    assert.match(bad.summary, /at character/);
  });

  it('builds a query from the codebook with AND / OR / AND NOT, as typing it would, and narrows it to one transcript', async function () {
    const api = await qda();
    await vscode.commands.executeCommand('qda.segmentsQuery', '');
    await api.analysis.toSegments({ type: 'query', query: '' });
    const start = await waitFor('the page draws every segment', () => { const s = api.analysis.segments(); return s?.rendered?.query === '' ? s : undefined; });
    // The builder offers the codebook's themes, groups and codes, in codebook order.
    assert.equal(start.rendered!.terms, start.result!.names.length);
    assert.deepEqual(start.result!.names.slice(0, 2), [{ name: 'Ledelse av innføringen', kind: 'theme' }, { name: 'Lederen går foran', kind: 'group' }]);
    assert.ok(start.result!.names.some((n) => n.kind === 'code' && n.name === 'Tid og kø'));

    // Three clicks: a theme, OR a second theme, AND NOT a code — the OR is bracketed before AND NOT.
    await api.analysis.toSegments({ type: 'addTerm', join: 'and', name: 'Kompetanse og opplæring', query: '' });
    await api.analysis.toSegments({ type: 'addTerm', join: 'or', name: 'Verktøy og kundedata', query: '"Kompetanse og opplæring"' });
    await api.analysis.toSegments({ type: 'addTerm', join: 'andNot', name: 'Tid og kø', query: '"Kompetanse og opplæring" OR "Verktøy og kundedata"' });
    const built = '("Kompetanse og opplæring" OR "Verktøy og kundedata") AND NOT "Tid og kø"';
    const drawn = await waitFor('the page draws the built query', () => { const s = api.analysis.segments(); return s?.rendered?.query === built ? s : undefined; });
    const expected = cliQuery(built);
    assert.ok(expected.length > 0, 'the built query selects something on the demo');
    assert.equal(drawn.result!.total, expected.length);
    assert.deepEqual(drawn.result!.segments.map((s) => [s.doc, s.code, s.coder, s.text]), expected.map((s) => [s.doc, s.code, s.coder, s.text]));
    assert.equal(drawn.rendered!.items, expected.length);

    // The transcript filter: the same query in one transcript only.
    assert.equal(drawn.rendered!.transcripts, drawn.result!.docs.length);
    const doc = expected[0].doc;
    await api.analysis.toSegments({ type: 'options', options: { doc } });
    const inDoc = await waitFor('the page draws one transcript', () => { const s = api.analysis.segments(); return s?.rendered?.doc === doc ? s : undefined; });
    assert.ok(inDoc.result!.segments.every((x) => x.doc === doc));
    assert.equal(inDoc.rendered!.items, inDoc.result!.total);
    assert.equal(inDoc.result!.total, expected.filter((s) => s.doc === doc).length);
    assert.ok(inDoc.result!.total < expected.length || new Set(expected.map((s) => s.doc)).size === 1);
    await api.analysis.toSegments({ type: 'options', options: { doc: '' } });
  });

  it('a framework-matrix cell reveals the view in the Thesis QDA container with exactly the segments it counts', async function () {
    const api = await qda();
    const matrix = await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'themes', cols: 'role', count: 'codings', coder: '' });
    const row = matrix.rows.find((r) => r.cells['rådgiver'] > 0);
    assert.ok(row, 'some theme has codings by advisers');
    // The side bar shows another container (the Explorer) when the cell is clicked.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the view hidden', () => (api.analysis.segments('view')?.visible !== true ? true : undefined));
    await api.analysis.toMatrix({ type: 'cell', row: row.name, kind: row.kind, column: 'rådgiver' });
    const shown = api.analysis.segments();
    assert.ok(shown?.result && shown.rendered);
    assert.equal(shown.host, 'view', 'the cell lists its segments in the view');
    assert.equal(shown.visible, true, 'the Thesis QDA container is shown with the view open');
    assert.equal(segmentTabs().length, 0, 'no segments panel in the editor area');
    assert.ok(api.analysis.matrix(), 'the matrix stays open');
    assert.equal(shown.result.total, row.cells['rådgiver']);
    assert.equal(shown.rendered.items, row.cells['rådgiver']);
    assert.ok(shown.result.segments.every((s) => s.attributes.role === 'rådgiver' && s.theme === row.name), 'every segment is an adviser’s, in that theme');
  });

  it('runs a query saved in qda.yaml, and saves a typed query there keeping the file’s comments', async function () {
    const api = await qda();
    await vscode.commands.executeCommand('qda.segmentsQuery', '');
    const savedQuery = '"Kompetanse og opplæring" AND NOT "Ledelse av innføringen"';
    await api.analysis.toSegments({ type: 'saved', name: 'Opplæring uten ledelse' });
    const drawn = await waitFor('the page draws the saved query', () => { const s = api.analysis.segments(); return s?.rendered?.query === savedQuery ? s : undefined; });
    assert.equal(drawn.result!.total, cliQuery(savedQuery).length);

    const typed = '"Verktøy og kundedata" AND NOT "Doble signaler"';
    await api.analysis.toSegments({ type: 'query', query: typed });
    await waitFor('the page draws the typed query', () => (api.analysis.segments()?.rendered?.query === typed ? true : undefined));
    const file = path.join(workspaceRoot(), 'qda.yaml');
    const before = fs.readFileSync(file, 'utf8');
    await api.analysis.toSegments({ type: 'saveQuery', name: 'Verktøy uten doble signaler' });
    const after = await waitFor('qda.yaml holds the saved query', () => { const t = fs.readFileSync(file, 'utf8'); return t.includes('Verktøy uten doble signaler') ? t : undefined; });
    assert.equal(after, before.replace(/(queries:\n(?:  .*\n)*)/, `$1  Verktøy uten doble signaler: ${JSON.stringify(typed)}\n`), 'one line added under queries:, everything else as it was');
    // The view lists it among the saved queries once the server has read the file again.
    await waitFor('the view offers the new saved query', () => (api.analysis.segments()?.result?.saved.some((q) => q.name === 'Verktøy uten doble signaler') ? true : undefined));
    // Later suites see the demo's qda.yaml as it was.
    fs.writeFileSync(file, before);
  });

  it('Save as Word writes the listed segments as a landscape table, one row per segment with its full text', async function () {
    const listed = await vscode.commands.executeCommand<{ result: CodedSegmentsResult }>('qda.segmentsQuery', '"Verktøy og kundedata"');
    assert.ok(listed.result.total > 5);
    const target = vscode.Uri.file(path.join(workspaceRoot(), 'utdrag.docx'));
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('qda.segmentsSaveDocx', target))?.fsPath, target.fsPath);
    try {
      const xml = await (await JSZip.loadAsync(fs.readFileSync(target.fsPath))).file('word/document.xml')!.async('string');
      assert.match(xml, /w:orient="landscape"/);
      const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      const rows = [...xml.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)].map((tr) => [...tr[1].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((tc) => [...tc[1].matchAll(/<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)].map((p) => [...p[1].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescape(t[1])).join('')).join('\n')));
      const text = rows[0].indexOf('text');
      assert.equal(rows.length, listed.result.total + 1);
      assert.deepEqual(rows.slice(1).map((r) => r[text]), listed.result.segments.map((s) => s.text));
    } finally {
      fs.rmSync(target.fsPath, { force: true });
    }
  });

  it('Open in Editor shows the same segments, with the same query, filter and grouping, in a panel', async function () {
    const api = await qda();
    const query = '"Kompetanse og opplæring" OR "Verktøy og kundedata"';
    await vscode.commands.executeCommand('qda.segmentsQuery', query);
    const all = cliQuery(query);
    const doc = all[0].doc;
    await api.analysis.toSegments({ type: 'options', options: { doc } });
    await waitFor('the view draws one transcript', () => (api.analysis.segments('view')?.rendered?.doc === doc ? true : undefined));
    await api.analysis.toSegments({ type: 'options', options: { groupBy: 'informant' } });
    const inView = await waitFor('the view groups by informant', () => { const s = api.analysis.segments('view'); return s?.rendered?.groupBy === 'informant' ? s : undefined; });
    // Words typed in the view's box and not run yet (the page sends them as typed) go along.
    const typed = `${query} AND NOT Ledelse`;
    await api.analysis.toSegments({ type: 'typed', query: typed });
    try {
      const opened = await vscode.commands.executeCommand<{ result: CodedSegmentsResult; rendered: { items: number; groups: number; query: string; box: string; doc: string; groupBy: string } }>('qda.segmentsOpenInEditor');
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('qda.segments'), 'a segments panel is the active tab');
      assert.equal(api.analysis.segments()?.host, 'editor');
      assert.equal(opened.rendered.query, query, 'the list is of the query that ran');
      assert.equal(opened.rendered.box, typed, 'the box holds the words typed in the view');
      assert.equal(opened.rendered.doc, doc);
      assert.equal(opened.rendered.groupBy, 'informant');
      const expected = all.filter((s) => s.doc === doc);
      assert.deepEqual(opened.result.segments.map((s) => [s.doc, s.code, s.coder, s.informant, s.text]), expected.map((s) => [s.doc, s.code, s.coder, s.informant, s.text]));
      assert.deepEqual(opened.result.segments, inView.result!.segments, 'the same segments as the view');
      assert.equal(opened.rendered.items, expected.length);
      assert.equal(opened.rendered.groups, inView.rendered!.groups);
      assert.equal(opened.rendered.groups, new Set(expected.map((s) => s.informant ?? '')).size);
    } finally {
      for (const t of segmentTabs()) await vscode.window.tabGroups.close(t);
      await waitFor('the panel gone', () => (api.analysis.segments('editor') === undefined ? true : undefined));
      await api.analysis.toSegments({ type: 'options', options: { doc: '' } });
      await api.analysis.toSegments({ type: 'options', options: { groupBy: 'code' } });
    }
    assert.equal(api.analysis.segments()?.host, 'view', 'the commands act on the view again');
  });

  it('keeps its query and grouping when hidden and shown again, recounts only when shown, and follows edits while visible', async function () {
    const api = await qda();
    await vscode.workspace.saveAll(false);
    const code = 'Dobbeltregistrering';
    const query = `"${code}"`;
    await vscode.commands.executeCommand('qda.segmentsQuery', query);
    await api.analysis.toSegments({ type: 'options', options: { groupBy: 'informant' } });
    const before = await waitFor('the view groups by informant', () => { const s = api.analysis.segments('view'); return s?.rendered?.groupBy === 'informant' && s.rendered.query === query ? s : undefined; });
    const total = before.result!.total;
    assert.equal(total, cliQuery(query).length);

    const doc = 'transcripts/teams-intervju-FL2.md';
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspaceRoot(), doc)), vscode.ViewColumn.One);
    // Hidden: the side bar shows the Explorer.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the view hidden', () => (api.analysis.segments('view')?.visible === false ? true : undefined));
    const refreshes = api.analysis.segments('view')!.liveRefreshes;
    const passage = uncodedPassage(editor.document.getText(), doc);
    editor.selection = new vscode.Selection(editor.document.positionAt(passage.start), editor.document.positionAt(passage.end));
    const coded = await vscode.commands.executeCommand<{ applied: boolean }>('qda.selectionCode', { code });
    assert.equal(coded.applied, true);
    try {
      assert.ok(readCodings().some((c) => c.doc === doc && c.exact === passage.exact));
      // The index change reached the hidden view: marked stale, no recount and none waiting.
      const hidden = await waitFor('the hidden view marked stale', () => { const s = api.analysis.segments('view'); return s?.stale ? s : undefined; });
      assert.equal(hidden.liveRefreshes, refreshes, 'no recount while hidden');
      assert.equal(hidden.refreshPending, false, 'no recount waiting while hidden');

      // Shown again: the same query and grouping, brought up to date.
      await vscode.commands.executeCommand('qda.segmentsView.focus');
      const shown = await waitFor('the view shows the query again with the new segment', () => { const s = api.analysis.segments('view'); return s?.visible && s.rendered?.query === query && s.result?.total === total + 1 && s.rendered.items === total + 1 ? s : undefined; });
      assert.equal(shown.rendered!.groupBy, 'informant');
      assert.ok(shown.result!.segments.some((s) => s.doc === doc && s.text === passage.exact), 'the new coding is listed');
      assert.equal(shown.stale, false);
    } finally {
      // While visible, the view follows the edit that takes the coding out again.
      await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
      assert.equal(await vscode.commands.executeCommand('qda.codingUndo'), true);
    }
    const after = await waitFor('the visible view follows the undo', () => { const s = api.analysis.segments('view'); return s?.result?.total === total && s.rendered?.items === total ? s : undefined; });
    assert.ok(after.liveRefreshes > refreshes, 'a live refresh while visible');
    await api.analysis.toSegments({ type: 'options', options: { groupBy: 'code' } });
  });
});
