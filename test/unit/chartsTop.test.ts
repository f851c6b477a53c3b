// Top-N for the bar charts (issue 17 follow-up): a chart of 500 codes took ECharts seconds to lay
// out, so the bar charts show the rows with the longest bars (30 by default, as the heat map's
// codes) and sum the rest into one "Other (N codes)" row, and say so under the title. The
// totals stay those of the whole matrix: read back from the SVG ECharts drew and compared with
// `qda matrix --json`.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { limitRows, barChart, TOP_ROWS } from '../../server/src/core/analysis/charts';
import type { Matrix, MatrixRow } from '../../server/src/core/analysis/matrix';
import { parseRefiXml, kids, textOf, type XNode } from '../../server/src/core/refi/xmlRead';
import { barChartSvg } from '../../server/src/chartRender';
import { main } from '../../server/src/cli';
import { cli } from './cliOutput';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

/** A matrix of `n` codes over three informants, the code i with cells that make sums of all sizes (ties too). */
function matrix(n: number): Matrix {
  const columns = ['FL1', 'R1', 'R2'];
  const rows: MatrixRow[] = [];
  for (let i = 0; i < n; i++) {
    const cells = { FL1: (i * 7) % 5, R1: (i * 3) % 4, R2: i % 3 === 0 ? 2 : 0 };
    rows.push({ name: `Kode ${i}`, kind: 'code', depth: 2, cells, total: cells.FL1 + cells.R1 + cells.R2 });
  }
  return { by: 'informants', count: 'codings', columns, rows };
}

const sumOf = (r: MatrixRow, columns: string[]): number => columns.reduce((s, c) => s + (r.cells[c] ?? 0), 0);

/** Every <title> text in an SVG read with the project's XML reader, and every <text>. */
function read(svg: string): { tips: string[]; texts: string[]; desc: string } {
  const root = parseRefiXml(svg, 'chart.svg', 64).svg as XNode;
  const tips: string[] = [];
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as XNode)) {
      if (k.startsWith('@_') || k === '#text') continue;
      for (const c of Array.isArray(v) ? v : [v]) {
        if (k === 'path') for (const t of kids(c as XNode, 'title')) tips.push(textOf(t));
        if (k === 'text') texts.push(textOf(c as XNode));
        walk(c);
      }
    }
  };
  walk(root);
  return { tips, texts, desc: textOf(kids(root, 'desc')[0]) };
}

describe('bar charts: the top N rows and "Other"', () => {
  it('keeps the N rows with the largest sums in the matrix\'s order, and "Other" sums the rest cell by cell', () => {
    const m = matrix(45);
    const limited = limitRows(m.rows, m.columns, 10);
    assert.equal(limited.of, 45);
    assert.equal(limited.shown, 10);
    assert.equal(limited.rows.length, 11);
    const kept = limited.rows.slice(0, 10);
    // The largest sums: no row left out has a larger sum than one kept.
    const smallestKept = Math.min(...kept.map((r) => sumOf(r, m.columns)));
    const rest = m.rows.filter((r) => !kept.includes(r));
    assert.equal(rest.length, 35);
    assert.ok(rest.every((r) => sumOf(r, m.columns) <= smallestKept));
    // In the matrix's order (ties resolved by it too).
    assert.deepEqual(kept.map((r) => m.rows.indexOf(r)), [...kept.map((r) => m.rows.indexOf(r))].sort((a, b) => a - b));
    const other = limited.rows[10];
    assert.equal(other, limited.other);
    assert.equal(other.name, 'Other (35 codes)');
    for (const c of m.columns) assert.equal(other.cells[c], rest.reduce((s, r) => s + r.cells[c], 0), `Other × ${c}`);
    // The grand total is the whole matrix's.
    assert.equal(limited.rows.reduce((s, r) => s + sumOf(r, m.columns), 0), m.rows.reduce((s, r) => s + r.total, 0));
    assert.equal(other.total, rest.reduce((s, r) => s + r.total, 0));
    assert.equal(limited.note, 'Top 10 of 45 codes; the rest in "Other (35 codes)".');
  });

  it('leaves the rows alone when they fit, when one would be left over, or for 0 (all); the default is the heat map\'s 30', () => {
    const m = matrix(31);
    assert.equal(TOP_ROWS, 30);
    for (const top of [undefined, 30, 31, 0]) {
      const l = limitRows(m.rows, m.columns, top);
      assert.equal(l.rows, m.rows, `top ${top}`);
      assert.equal(l.other, undefined);
      assert.equal(l.note, undefined);
    }
    assert.equal(limitRows(matrix(32).rows, m.columns).rows.length, 31);
    const themes = matrix(5).rows.map((r) => ({ ...r, kind: 'theme' as const }));
    assert.equal(limitRows(themes, m.columns, 2).other?.name, 'Other (3 themes)');
  });

  it('ECharts draws 30 bars and "Other" for 500 codes, each bar its total, and says "Top 30 of 500" under the title', async () => {
    const m = matrix(500);
    const spec = barChart(m, { title: 'Kodinger per informant' });
    assert.equal((spec.option.yAxis as { data: string[] }).data.length, 31);
    const { tips, texts, desc } = read(await barChartSvg(m, { title: 'Kodinger per informant' }));
    const limited = limitRows(m.rows, m.columns);
    const bars = tips.filter((t) => / \d+ codings$/.test(t) && !t.includes(' · '));
    assert.deepEqual(bars, limited.rows.map((r) => `${r.name}: ${sumOf(r, m.columns)} codings`));
    assert.ok(bars.at(-1)!.startsWith('Other (470 codes): '));
    assert.ok(texts.includes('Top 30 of 500 codes; the rest in "Other (470 codes)".'), texts.slice(0, 5).join(' | '));
    assert.ok(desc.startsWith('Top 30 of 500 codes; the rest in "Other (470 codes)". '), desc.slice(0, 120));
    // Per informant (transposed): the codes are the series, 30 and "Other"; each informant's bar keeps its whole total.
    const per = read(await barChartSvg(m, { transpose: true }));
    for (const c of m.columns) assert.ok(per.tips.includes(`${c}: ${m.rows.reduce((s, r) => s + r.cells[c], 0)} codings`), c);
    assert.ok(per.texts.includes('Other (470 codes)'), 'the legend has "Other"');
    assert.equal(per.texts.filter((t) => /^Kode \d+$/.test(t)).length, 30);
  });

  it('qda export chart-svg --top N on the demo: N codes and "Other" whose bar is the sum of the rest of matrix --json; --top all draws every code', async () => {
    const json = JSON.parse(await cli(['matrix', '--rows', 'codes', '--cols', 'role', '--json', DEMO])) as { columns: string[]; rows: Array<{ name: string; kind: string; cells: Record<string, number>; total: number }> };
    const codes = json.rows.filter((r) => r.kind === 'code');
    assert.ok(codes.length > 12, 'the demo has more codes than the chart shows');
    const { tips, texts } = read(await cli(['export', 'chart-svg', '--rows', 'codes', '--cols', 'role', '--top', '10', DEMO]));
    const bars = tips.filter((t) => / codings$/.test(t) && !t.includes(' · '));
    assert.equal(bars.length, 11);
    const sums = codes.map((r) => json.columns.reduce((s, c) => s + r.cells[c], 0));
    const kept = bars.slice(0, 10).map((b) => b.replace(/: \d+ codings$/, ''));
    const restSum = codes.filter((r) => !kept.includes(r.name)).reduce((s, r) => s + json.columns.reduce((n, c) => n + r.cells[c], 0), 0);
    assert.equal(bars[10], `Other (${codes.length - 10} codes): ${restSum} codings`);
    assert.equal(bars.reduce((s, b) => s + Number(/: (\d+) codings$/.exec(b)![1]), 0), sums.reduce((s, v) => s + v, 0), 'the grand total is the matrix\'s');
    assert.ok(texts.includes(`Top 10 of ${codes.length} codes; the rest in "Other (${codes.length - 10} codes)".`));
    const every = read(await cli(['export', 'chart-svg', '--rows', 'codes', '--cols', 'role', '--top', 'all', DEMO]));
    assert.equal(every.tips.filter((t) => / codings$/.test(t) && !t.includes(' · ')).length, codes.length);
    assert.ok(!every.texts.some((t) => t.startsWith('Top ')));
    let err = '';
    assert.equal(await main(['export', 'chart-svg', '--top', 'some', DEMO], { stdout: () => undefined, stderr: (s) => (err += s), cwd: process.cwd() }), 2);
    assert.match(err, /--top takes a number of codes \(or all\), not 'some'/);
  });
});
