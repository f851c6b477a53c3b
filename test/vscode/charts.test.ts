// Issue 17.4 in a real VS Code: the Charts view on the demo thesis draws the counts of
// `qda matrix --json` and `qda cooccur --json` (read back from what the page holds), a pair in
// the co-occurrence table lists its segments, and Save SVG writes a themed file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, qda, workspaceRoot } from './helpers';
import readXlsxFile from 'read-excel-file/node';
import type { ChartResult, CodedSegmentsResult, MatrixResult } from '../../server/src/protocol';

type Shown = { result: ChartResult; rendered: { chart: string; desc: string; tableRows: number } };

function cli(args: string[]): unknown {
  const js = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
  return JSON.parse(execFileSync(process.execPath, [js, ...args, '--json', workspaceRoot()], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
}

describe('the Charts view in a real VS Code', function () {
  this.timeout(60_000);

  it('draws theme frequency by role with the totals of qda matrix --json', async function () {
    await qda();
    await vscode.workspace.saveAll(false);
    const shown = await vscode.commands.executeCommand<Shown>('qda.chartsShow', { chart: 'bars', rows: 'themes', cols: 'role', count: 'codings', coder: '' });
    assert.ok(vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview, 'a webview tab');
    const m = cli(['matrix', '--rows', 'themes', '--cols', 'role']) as { rows: Array<{ name: string; total: number }> };
    assert.equal(shown.rendered.chart, 'bars');
    assert.equal(shown.rendered.desc, m.rows.map((r) => `${r.name}: ${r.total} codings`).join('; '));
  });

  it('draws the co-occurrence heat map and its table; a pair lists its segments', async function () {
    const api = await qda();
    const shown = await vscode.commands.executeCommand<Shown>('qda.chartsShow', { chart: 'cooccurrence', measure: 'sameTurn', top: 100 });
    const c = cli(['cooccur']) as { pairs: Array<{ a: string; b: string; overlapping: number; sameTurn: number }> };
    const expected = c.pairs.filter((p) => p.sameTurn > 0);
    assert.ok(expected.length > 0, 'the demo has codes in the same turn');
    assert.equal(shown.rendered.tableRows, Math.min(500, expected.length));
    for (const p of expected) assert.ok(shown.rendered.desc.includes(`${p.a} × ${p.b}: ${p.sameTurn}`), `the heat map holds ${p.a} × ${p.b}`);
    const top = shown.result.pairs![0];
    await api.analysis.toCharts({ type: 'pair', a: top.a, b: top.b });
    const listed = api.analysis.segments();
    assert.ok(listed?.result && listed.rendered);
    assert.ok(listed.result.total >= 2, 'both codes of the pair are listed');
    assert.deepEqual(new Set(listed.result.segments.map((s) => s.code)), new Set([top.a, top.b]));
  });

  it('Save Chart as SVG writes a standalone SVG with its own palette', async function () {
    await vscode.commands.executeCommand<Shown>('qda.chartsShow', { chart: 'bars', rows: 'themes', cols: 'role', count: 'codings' });
    const target = vscode.Uri.file(path.join(workspaceRoot(), 'figur-roller.svg'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('qda.chartSave', target);
    assert.equal(written?.fsPath, target.fsPath);
    const svg = fs.readFileSync(target.fsPath, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<style>\.bg\{fill:#/, 'a palette of its own, not the theme’s variables');
    assert.ok(svg.includes('Kompetanse og opplæring'));
    fs.rmSync(target.fsPath);
  });

  it('Save as Excel writes what the Framework Matrix and the Coded Segments view show', async function () {
    const shown = await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'codes', cols: 'role', count: 'codings', coder: '' });
    const target = vscode.Uri.file(path.join(workspaceRoot(), 'matrise.xlsx'));
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('qda.matrixSaveXlsx', target))?.fsPath, target.fsPath);
    const [sheet] = await readXlsxFile(target.fsPath);
    assert.deepEqual(sheet.data[0], ['name', 'kind', ...shown.columns, 'total']);
    assert.deepEqual(sheet.data.slice(1), shown.rows.map((r) => [r.name, r.kind, ...shown.columns.map((c) => r.cells[c]), r.total]));
    fs.rmSync(target.fsPath);

    const listed = await vscode.commands.executeCommand<{ result: CodedSegmentsResult }>('qda.segmentsQuery', '"Verktøy og kundedata"');
    assert.ok(listed.result.total > 5);
    const segTarget = vscode.Uri.file(path.join(workspaceRoot(), 'utdrag.xlsx'));
    await vscode.commands.executeCommand('qda.segmentsSaveXlsx', segTarget);
    const [segs] = await readXlsxFile(segTarget.fsPath);
    const text = segs.data[0].indexOf('text');
    assert.equal(segs.data.length, listed.result.total + 1);
    assert.deepEqual(segs.data.slice(1).map((r) => r[text]), listed.result.segments.map((s) => s.text));
    fs.rmSync(segTarget.fsPath);
  });
});
