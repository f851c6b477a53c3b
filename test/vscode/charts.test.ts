// Issue 17.4 in a real VS Code: the Charts view on the demo thesis draws the counts of
// `qda matrix --json` and `qda cooccur --json` (read back from what the page holds), a pair in
// the co-occurrence table lists its segments, Save SVG writes a themed file, and Save PNG a
// PNG of that SVG drawn at twice its size.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import { EXTENSION_ID, qda, waitFor, workspaceRoot } from './helpers';
import readXlsxFile from 'read-excel-file/node';
import type { ChartResult, CodedSegmentsResult, MatrixResult } from '../../server/src/protocol';

type Shown = { result: ChartResult; rendered: { chart: string; desc: string; tableRows: number; top?: { label: string; value: string; options: string[] } } };

function cli(args: string[]): unknown {
  const js = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
  return JSON.parse(execFileSync(process.execPath, [js, ...args, '--json', workspaceRoot()], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
}

/** The RGBA pixels of a PNG's inflated image data (8-bit RGBA, no interlace): undoes each row's filter. */
function unfilter(raw: Buffer, width: number, height: number): Buffer {
  const bpp = 4;
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      assert.ok(predictor !== undefined, `PNG filter type ${filter}`);
      row[i] = (line[i] + predictor) & 0xff;
    }
  }
  return out;
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

  it('a bar chart of every code draws the top N and "Other", says so, and the dropdown shows them all', async function () {
    const api = await qda();
    const m = cli(['matrix', '--rows', 'codes', '--cols', 'role']) as { columns: string[]; rows: Array<{ name: string; kind: string; cells: Record<string, number> }> };
    const codes = m.rows.filter((r) => r.kind === 'code');
    assert.ok(codes.length > 11, 'the demo has more codes than shown');
    const shown = await vscode.commands.executeCommand<Shown>('qda.chartsShow', { chart: 'bars', rows: 'codes', cols: 'role', count: 'codings', coder: '', top: 10 });
    assert.ok(shown.rendered.desc.startsWith(`Top 10 of ${codes.length} codes; the rest in "Other (${codes.length - 10} codes)". `), shown.rendered.desc.slice(0, 100));
    const bars = shown.rendered.desc.split('; ').slice(-11);
    assert.ok(bars[10].startsWith(`Other (${codes.length - 10} codes): `));
    // Every coding is in some bar: the totals add up to the matrix's.
    const all = codes.reduce((s, r) => s + m.columns.reduce((n, c) => n + r.cells[c], 0), 0);
    assert.equal(bars.reduce((s, b) => s + Number(/: (\d+) codings$/.exec(b)![1]), 0), all);
    assert.deepEqual(shown.rendered.top, { label: 'Codes shown', value: '10', options: ['10', '20', '30', '50', '100', 'All'] });
    // "All", as the dropdown sends it: every code, no note.
    await api.analysis.toCharts({ type: 'params', params: { top: 0 } });
    const every = await waitFor('the chart of every code', () => { const c = api.analysis.charts(); return c?.rendered?.top?.value === '0' ? c.rendered : undefined; });
    assert.ok(!every.desc.startsWith('Top '));
    assert.equal(every.desc.split('; ').length, codes.length);
    await api.analysis.toCharts({ type: 'params', params: { rows: 'themes', top: 30 } });
    await waitFor('themes again', () => (api.analysis.charts()?.rendered?.top?.label === 'Themes shown' ? true : undefined));
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
    assert.equal(listed.host, 'view', 'the pair is listed in the Coded Segments view of the Thesis QDA container');
    assert.equal(listed.visible, true);
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

  it('Save Chart as PNG writes a PNG of the chart at twice the size of its SVG, with the bars drawn', async function () {
    await vscode.commands.executeCommand<Shown>('qda.chartsShow', { chart: 'bars', rows: 'themes', cols: 'role', count: 'codings' });
    const svgTarget = vscode.Uri.file(path.join(workspaceRoot(), 'figur-storrelse.svg'));
    await vscode.commands.executeCommand<vscode.Uri>('qda.chartSave', svgTarget);
    const svg = fs.readFileSync(svgTarget.fsPath, 'utf8');
    fs.rmSync(svgTarget.fsPath);
    const size = /^<svg [^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg);
    assert.ok(size, 'the SVG states its size');
    const target = vscode.Uri.file(path.join(workspaceRoot(), 'figur-roller.png'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('qda.chartSavePng', target);
    assert.equal(written?.fsPath, target.fsPath);
    const png = fs.readFileSync(target.fsPath);
    fs.rmSync(target.fsPath);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    // The chunks: IHDR first (its size and pixel format), the image data, IEND last.
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
      at += 12 + length;
    }
    assert.equal(chunks[0].type, 'IHDR');
    assert.equal(chunks.at(-1)?.type, 'IEND');
    const ihdr = chunks[0].data;
    const [width, height] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
    assert.deepEqual([width, height], [Math.round(Number(size[1]) * 2), Math.round(Number(size[2]) * 2)], 'twice the SVG’s width and height');
    assert.deepEqual([ihdr[8], ihdr[9]], [8, 6], '8-bit RGBA');
    // Not a blank canvas: the pixels hold the light background and the bars' colours.
    const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    const stride = 1 + width * 4;
    assert.equal(raw.length, stride * height);
    const pixels = unfilter(raw, width, height);
    // The SVG's own palette: its background and the first two series (the two roles' bars).
    const fill = (cls: string): number[] => {
      const hex = new RegExp(`\\.${cls}\\{fill:#([0-9a-f]{6})\\}`).exec(svg)?.[1];
      assert.ok(hex, `the SVG's palette has .${cls}`);
      return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    };
    const has = ([r, g, b]: number[]): boolean => {
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 255 && Math.abs(pixels[i] - r) <= 2 && Math.abs(pixels[i + 1] - g) <= 2 && Math.abs(pixels[i + 2] - b) <= 2) return true;
      }
      return false;
    };
    for (const cls of ['bg', 's0', 's1']) assert.ok(has(fill(cls)), `the PNG shows the colour of .${cls}`);
    assert.deepEqual(fs.readdirSync(workspaceRoot()).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left beside it');
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
