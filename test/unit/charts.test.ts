// Charts (issue 17.4), defined in core and drawn by Apache ECharts: the bar chart and the heat map
// draw exactly the counts of the matrix and the co-occurrence (read back from the SVG's own
// titles, and from the lengths and shades ECharts gave the bars and cells), every name is
// escaped, the file is well-formed XML, and `qda export chart-svg` writes the same picture.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { XMLValidator } from 'fast-xml-parser';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments } from '../../server/src/core/analysis/segments';
import { buildMatrix } from '../../server/src/core/analysis/matrix';
import { cooccurrence } from '../../server/src/core/analysis/cooccur';
import { heatmapGrid, ticks } from '../../server/src/core/analysis/charts';
import { escapeXml } from '../../server/src/core/analysis/chartSvg';
import { parseRefiXml, kids, attr, textOf, type XNode } from '../../server/src/core/refi/xmlRead';
import { barChartSvg, chartWorkerRunning, heatmapSvg, renderChartsInWorker } from '../../server/src/chartRender';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { cli } from './cliOutput';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

/** The texts of every <title> in the SVG, unescaped: what a reader's tooltip says. */
function titles(svg: string): string[] {
  return [...svg.matchAll(/<title(?: id="[^"]*")?>([^<]*)<\/title>/g)].map((m) => m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

/** Every element called `name` anywhere below `node` in the project's XML reader's tree. */
function all(node: unknown, name: string, out: XNode[] = []): XNode[] {
  if (!node || typeof node !== 'object') return out;
  for (const [k, v] of Object.entries(node as XNode)) {
    if (k.startsWith('@_') || k === '#text') continue;
    for (const c of Array.isArray(v) ? v : [v]) {
      if (k === name) out.push(c as XNode);
      all(c, name, out);
    }
  }
  return out;
}

/** The SVG read with the project's own XML reader (which refuses anything not well-formed). */
function readSvg(svg: string): XNode {
  const doc = parseRefiXml(svg, 'chart.svg', 64);
  assert.ok(doc.svg, 'the root element is <svg>');
  return doc.svg as XNode;
}

/** The box of a path ECharts drew (a bar part or a cell: M/L/m/l commands, absolute or relative), from its `d`. */
function box(el: XNode): { x0: number; x1: number; y0: number; y1: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of (attr(el, 'd') ?? '').matchAll(/([MLml])([^MLmlZz]*)/g)) {
    const nums = args.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)!.map(Number);
    for (let i = 0; i + 1 < nums.length; i += 2) {
      [x, y] = cmd === cmd.toLowerCase() ? [x + nums[i], y + nums[i + 1]] : [nums[i], nums[i + 1]];
      xs.push(x);
      ys.push(y);
    }
  }
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

/** The drawn elements (bar parts, cells) with their tooltip. */
function tipped(root: XNode): Array<{ tip: string; el: XNode }> {
  return all(root, 'path').flatMap((el) => kids(el, 'title').map((t) => ({ tip: textOf(t), el })));
}

// The codebook drops HTML tags from names, so a name keeps only what survives it: &, quotes, a lone <.
const HOSTILE = 'Tid & "kø" <3 \'x\'';

async function hostileProject(): Promise<Project> {
  const text = '**Intervjuer:** Hva?\n\n**R1:** Vi lærte i sandkassa, og det tok tid.\n';
  const coding = (id: string, code: string, exact: string): string => {
    const at = text.indexOf(exact);
    return JSON.stringify({ id, doc: 'transcripts/T.md', start: at, end: at + exact.length, code, exact, prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' });
  };
  const p = new Project(
    new MemoryFileSystem({
      'qda.yaml': `interviewers: [Intervjuer]\ninformants:\n  R1: { role: "<i>rådgiver</i> & <script>x</script>" }\n`,
      'codebook.md': `# Kodebok\n\n## Tema & <3\n\n- **${HOSTILE}** — farlig navn\n- **Sandkasse** — læring\n`,
      'transcripts/T.md': text,
      '.qda/codings/anna/transcripts/T.md.jsonl': [coding('a1', HOSTILE, 'Vi lærte i sandkassa'), coding('a2', 'Sandkasse', 'sandkassa, og det tok tid')].join('\n') + '\n',
    }),
  );
  await p.load();
  return p;
}

describe('charts: SVG drawn in core', () => {
  it('escapes every name: a code, theme, informant or attribute holding markup stays text, and the file is well-formed XML', async () => {
    const p = await hostileProject();
    const segments = analysisSegments(p);
    assert.equal(segments.length, 2);
    for (const svg of [
      await barChartSvg(buildMatrix(p, segments, { rows: 'codes', cols: 'role' }), { title: 'By <informant>' }),
      await barChartSvg(buildMatrix(p, segments, { rows: 'themes', cols: 'role' }), { transpose: true, theme: 'dark' }),
      await heatmapSvg(cooccurrence(segments), { title: '"A" & <B>' }),
    ]) {
      assert.equal(XMLValidator.validate(svg), true, 'well-formed XML');
      assert.ok(!/<script|<i>|<3|& /.test(svg), 'no markup or bare & from a name survives');
      assert.ok(svg.includes('&lt;i&gt;rådgiver&lt;/i&gt; &amp; &lt;script&gt;') || svg.includes('Tid &amp; &quot;kø&quot; &lt;3 &#39;x&#39;'), 'names are there, escaped');
    }
    // ECharts wrote the names as text: read back with an XML reader, they are the names themselves.
    const legendAndAxes = all(readSvg(await barChartSvg(buildMatrix(p, segments, { rows: 'codes', cols: 'role' }))), 'text').map(textOf);
    assert.ok(legendAndAxes.includes(HOSTILE), `the code's name is a label: ${JSON.stringify(legendAndAxes)}`);
    const perRole = all(readSvg(await barChartSvg(buildMatrix(p, segments, { rows: 'codes', cols: 'role' }), { transpose: true })), 'text').map(textOf);
    assert.ok(perRole.includes('<i>rådgiver</i> & <script>x</script>'), `the attribute value is a bar's label, as text: ${JSON.stringify(perRole)}`);
    assert.ok(perRole.includes(HOSTILE), "the code's name is a legend entry, as text");
    const heat = await heatmapSvg(cooccurrence(segments));
    assert.ok(titles(heat).includes(`Sandkasse × ${HOSTILE}: 1`), 'the overlapping pair is in the heat map under its real name');
    assert.equal(escapeXml('a\u0001b<'), 'ab&lt;', 'characters XML forbids are dropped');
  });

  it('round axis ticks cover the largest value', () => {
    assert.deepEqual(ticks(56), [0, 20, 40, 60]);
    assert.deepEqual(ticks(7), [0, 2, 4, 6, 8]);
    assert.deepEqual(ticks(0), [0]);
  });

  it('export chart-svg draws the bars of matrix --json on the demo: each bar its row total, each part its cell', async () => {
    const json = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'role', '--json', DEMO])) as { columns: string[]; rows: Array<{ name: string; cells: Record<string, number>; total: number }> };
    const svg = await cli(['export', 'chart-svg', '--rows', 'themes', '--cols', 'role', DEMO]);
    assert.equal(XMLValidator.validate(svg), true);
    const t = titles(svg);
    for (const row of json.rows) {
      assert.ok(t.includes(`${row.name}: ${row.total} codings`), `the bar of ${row.name} says ${row.total}`);
      for (const c of json.columns) if (row.cells[c]) assert.ok(t.includes(`${row.name} · ${c}: ${row.cells[c]}`), `${row.name} × ${c} = ${row.cells[c]}`);
    }
    // Codes per informant: a bar per role, its total the column's sum.
    const per = titles(await cli(['export', 'chart-svg', '--chart', 'informants', '--rows', 'themes', '--cols', 'role', DEMO]));
    for (const c of json.columns) assert.ok(per.includes(`${c}: ${json.rows.reduce((s, r) => s + r.cells[c], 0)} codings`), `the bar of ${c}`);
  });

  it('export chart-svg --chart cooccurrence draws the pairs of cooccur --json, and --out writes the file', async () => {
    const json = JSON.parse(await cli(['cooccur', '--json', DEMO])) as { codes: string[]; pairs: Array<{ a: string; b: string; overlapping: number; sameTurn: number }> };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-chart-'));
    try {
      const out = path.join(dir, 'heat.svg');
      await cli(['export', 'chart-svg', '--chart', 'cooccurrence', '--measure', 'turn', '--top', '500', '--out', out, DEMO]);
      const t = titles(fs.readFileSync(out, 'utf8'));
      const drawn = t.filter((x) => / × .*: [1-9]\d*$/.test(x));
      const expected = json.pairs.filter((p) => p.sameTurn > 0).flatMap((p) => [`${p.a} × ${p.b}: ${p.sameTurn}`, `${p.b} × ${p.a}: ${p.sameTurn}`]);
      assert.ok(expected.length > 10, 'the demo has codes in the same turns');
      assert.deepEqual(drawn.sort(), expected.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the heat map keeps the codes with the most co-occurrences when told to show the top N', () => {
    const c = { codes: ['A', 'B', 'C', 'D'], pairs: [{ a: 'A', b: 'B', overlapping: 5, sameTurn: 0 }, { a: 'C', b: 'D', overlapping: 1, sameTurn: 0 }, { a: 'A', b: 'C', overlapping: 2, sameTurn: 0 }] };
    const g = heatmapGrid(c, 'overlapping', 2);
    assert.deepEqual(g.codes, ['A', 'B']);
    assert.deepEqual(g.grid, [[0, 5], [5, 0]]);
  });

  it('ECharts draws the demo\'s themes by role as one bar per theme, each part as long as its cell and the bar as long as its total', async () => {
    const json = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'role', '--json', DEMO])) as { columns: string[]; rows: Array<{ name: string; cells: Record<string, number>; total: number }> };
    const svg = await cli(['export', 'chart-svg', '--rows', 'themes', '--cols', 'role', DEMO]);
    const root = readSvg(svg);
    assert.equal(attr(root, 'role'), 'img');
    assert.equal(attr(root, 'aria-labelledby'), 'chart-title chart-desc');
    assert.equal(textOf(kids(root, 'desc')[0]), json.rows.map((r) => `${r.name}: ${r.total} codings`).join('; '), 'the description lists every total');
    const drawn = tipped(root);
    const parts = drawn.filter((d) => d.tip.includes(' · '));
    assert.equal(parts.length, json.rows.reduce((n, r) => n + json.columns.filter((c) => r.cells[c] > 0).length, 0), 'a part per non-empty cell, none for an empty one');
    // One scale for every part: pixels per coding.
    const scale = (box(parts[0].el).x1 - box(parts[0].el).x0) / Number(/: (\d+)$/.exec(parts[0].tip)![1]);
    assert.ok(scale > 0);
    const bars: number[] = [];
    for (const row of json.rows) {
      const mine = parts.filter((d) => d.tip.startsWith(`${row.name} · `)).map((d) => ({ ...box(d.el), value: Number(/: (\d+)$/.exec(d.tip)![1]), column: d.tip.slice(row.name.length + 3).replace(/: \d+$/, '') }));
      assert.deepEqual(mine.map((m) => m.column), json.columns.filter((c) => row.cells[c] > 0), `${row.name}: its parts in column order`);
      for (const m of mine) {
        assert.equal(m.value, row.cells[m.column]);
        assert.ok(Math.abs(m.x1 - m.x0 - m.value * scale) < 1, `${row.name} · ${m.column} is ${m.value} long`);
      }
      // The parts are stacked on one bar: same band, each starting where the one before ends.
      for (let i = 1; i < mine.length; i++) {
        assert.ok(Math.abs(mine[i].x0 - mine[i - 1].x1) < 1 && mine[i].y0 === mine[0].y0, `${row.name}: part ${i} continues the bar`);
      }
      const start = Math.min(...mine.map((m) => m.x0));
      assert.ok(Math.abs(Math.max(...mine.map((m) => m.x1)) - start - row.total * scale) < 1.5, `the bar of ${row.name} is ${row.total} long`);
      // The total's label (an empty bar at the stack's end) says the total.
      const total = drawn.find((d) => d.tip === `${row.name}: ${row.total} codings`);
      assert.ok(total && Math.abs(box(total.el).x0 - start - row.total * scale) < 1.5, `the total of ${row.name} sits at the end of its bar`);
      assert.ok(all(root, 'text').some((t) => textOf(t) === String(row.total)), `the number ${row.total} is written`);
      bars.push(mine[0].y0);
    }
    assert.deepEqual([...bars].sort((a, b) => a - b), bars, 'the bars top to bottom in the order of the matrix');
    assert.equal(new Set(bars).size, json.rows.length, 'one bar per theme');
    // The axis has core's round ticks.
    const axis = ticks(Math.max(...json.rows.map((r) => r.total))).map(String);
    const texts = all(root, 'text').map(textOf);
    for (const t of axis) assert.ok(texts.includes(t), `the axis is labelled ${t}`);
    // Each role's colour class, the same on every bar and in the legend.
    for (const [j, c] of json.columns.entries()) {
      const classes = new Set(parts.filter((d) => d.tip.includes(` · ${c}: `)).map((d) => attr(d.el, 'class')));
      assert.deepEqual([...classes], [`s${j}`], `${c} is drawn in s${j}`);
    }
    assert.match(svg, /<style>\.bg\{fill:#ffffff\}/, 'a file has its light palette');
  });

  it('ECharts draws the heat map of the demo: a cell per pair that co-occurs, shaded by its count, the count written in it', async () => {
    const json = JSON.parse(await cli(['cooccur', '--json', DEMO])) as { codes: string[]; pairs: Array<{ a: string; b: string; overlapping: number; sameTurn: number }> };
    const svg = await cli(['export', 'chart-svg', '--chart', 'cooccurrence', '--measure', 'turn', '--top', '12', DEMO]);
    const root = readSvg(svg);
    const c = { codes: json.codes, pairs: json.pairs };
    const { codes, grid } = heatmapGrid(c, 'sameTurn', 12);
    assert.ok(codes.length >= 6 && codes.length <= 12);
    const max = Math.max(...grid.flat());
    const cells = tipped(root).filter((d) => d.tip.includes(' × '));
    const expected = codes.flatMap((a, i) => codes.flatMap((b, j) => (grid[i][j] > 0 ? [`${a} × ${b}: ${grid[i][j]}`] : [])));
    assert.deepEqual(cells.map((d) => d.tip).sort(), expected.sort(), 'a cell for each non-zero count, both halves');
    const texts = all(root, 'text');
    for (const { tip, el } of cells) {
      const v = Number(/: (\d+)$/.exec(tip)![1]);
      const opacity = Number(attr(el, 'fill-opacity') ?? 1);
      assert.ok(Math.abs(opacity - (0.12 + (0.88 * v) / max)) < 0.01, `${tip}: shaded ${opacity}`);
      assert.ok(attr(el, 'class')?.split(' ').includes('heat'), 'in the heat class');
      const b = box(el);
      assert.ok(b.x1 - b.x0 >= 20 && Math.abs(b.x1 - b.x0 - (b.y1 - b.y0)) < 0.5, 'square cells');
      // The count is written inside its cell.
      const inside = texts.filter((t) => textOf(t) === String(v)).some((t) => {
        const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(attr(t, 'transform') ?? '');
        const x = Number(attr(t, 'x') ?? 0) + (m ? Number(m[1]) : 0);
        const y = Number(attr(t, 'y') ?? 0) + (m ? Number(m[2]) : 0);
        return x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1;
      });
      assert.ok(inside, `${tip}: the count in the cell`);
    }
  });

  it('the built CLI draws with ECharts from its own file: dist/server.js and dist/cli.js do not carry the library', () => {
    const dist = path.resolve(__dirname, '../../../dist');
    for (const f of ['server.js', 'cli.js']) assert.ok(!fs.readFileSync(path.join(dist, f), 'utf8').includes('registerSSRDataGetter'), `${f} holds no ECharts`);
    assert.ok(fs.readFileSync(path.join(dist, 'chart-library.js'), 'utf8').includes('registerSSRDataGetter'), 'chart-library.js is ECharts');
    const svg = execFileSync(process.execPath, [path.join(dist, 'cli.js'), 'export', 'chart-svg', '--chart', 'informants', '--rows', 'themes', '--cols', 'role', DEMO], { encoding: 'utf8' });
    const root = readSvg(svg);
    assert.ok(tipped(root).length > 0, 'bars drawn');
    assert.ok(all(root, 'text').some((t) => textOf(t) === 'rådgiver'), 'a bar per role');
  });

  it('the language server draws in a worker thread (dist/chart-library.js) the same pictures as in its own thread, and draws in its own when the worker cannot start', async () => {
    const project = new Project(new NodeFileSystem(DEMO));
    await project.load();
    const segments = analysisSegments(project);
    const matrix = buildMatrix(project, segments, { rows: 'themes', cols: 'role' });
    const c = cooccurrence(segments);
    const draw = (): Promise<string[]> => Promise.all([barChartSvg(matrix, { title: 'Temaer' }), heatmapSvg(c, { top: 12, theme: 'dark' })]);
    const here = await draw();
    assert.ok(tipped(readSvg(here[0])).length > 0 && tipped(readSvg(here[1])).length > 0, 'bars and cells drawn in this thread');
    try {
      renderChartsInWorker(path.resolve(__dirname, '../../../dist/chart-library.js'));
      // Two charts at once, twice: the replies are matched to their requests.
      assert.deepEqual(await draw(), here, 'the worker draws the same SVG');
      assert.ok(chartWorkerRunning(), 'drawn by the worker');
      assert.deepEqual(await draw(), here, 'and again, by the same worker');
      assert.ok(chartWorkerRunning());
      renderChartsInWorker(path.join(os.tmpdir(), 'no-such-chart-library.js'));
      assert.ok(!chartWorkerRunning(), 'the old worker stopped');
      assert.deepEqual(await draw(), here, 'a worker that cannot start: drawn in this thread');
      assert.ok(!chartWorkerRunning());
    } finally {
      renderChartsInWorker(undefined);
    }
  });

  it('the legend of many series wraps above the bars, never over them (codes per informant on the demo)', async () => {
    const root = readSvg(await cli(['export', 'chart-svg', '--chart', 'informants', '--rows', 'codes', '--cols', 'informants', DEMO]));
    const legendMarks = all(root, 'path').filter((el) => /^s\d$/.test(attr(el, 'class') ?? '') && !kids(el, 'title').length);
    assert.ok(legendMarks.length > 30, 'a legend entry per code');
    const legendBottom = Math.max(...legendMarks.map((el) => Number(/translate\([-\d.]+ ([-\d.]+)\)/.exec(attr(el, 'transform') ?? '')![1]) + box(el).y1));
    const barsTop = Math.min(...tipped(root).map((d) => box(d.el).y0));
    assert.ok(legendBottom < barsTop, `legend ends at ${legendBottom}, bars start at ${barsTop}`);
  });

  it('a project without codings draws an empty chart, not an error: the title, no bars, no cells', async () => {
    const p = new Project(new MemoryFileSystem({ 'qda.yaml': 'informants:\n  R1: { role: leder }\n', 'codebook.md': '# Kodebok\n\n## Tema\n\n- **Kode** — x\n', 'transcripts/T.md': '**R1:** Hei.\n' }));
    await p.load();
    const segments = analysisSegments(p);
    for (const svg of [await barChartSvg(buildMatrix(p, segments, { rows: 'codes', cols: 'role' }), { title: 'Tomt' }), await heatmapSvg(cooccurrence(segments), { title: 'Tomt' })]) {
      const root = readSvg(svg);
      assert.equal(textOf(kids(root, 'title')[0]), 'Tomt');
      assert.deepEqual(tipped(root).filter((d) => / · | × /.test(d.tip)), [], 'nothing drawn as a count');
    }
  });

  it('the demo thesis groups its informants (bank interviews, focus group, municipality): the matrix by group counts every coding once', async () => {
    const byGroup = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'group', '--json', DEMO])) as { columns: string[]; rows: Array<{ name: string; total: number }> };
    const byRole = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'role', '--json', DEMO])) as { rows: Array<{ name: string; total: number }> };
    assert.deepEqual(byGroup.columns, ['bankintervju', 'fokusgruppe', 'kommuneintervju']);
    assert.deepEqual(byGroup.rows.map((r) => r.total), byRole.rows.map((r) => r.total));
  });
});
