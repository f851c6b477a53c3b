// Charts in core (issue 17.4): the SVG bar chart and heat map draw exactly the counts of the
// matrix and the co-occurrence (read back from the SVG's own titles), every name is escaped, the
// file is well-formed XML, and `qda export chart-svg` writes the same picture.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments } from '../../server/src/core/analysis/segments';
import { buildMatrix } from '../../server/src/core/analysis/matrix';
import { cooccurrence } from '../../server/src/core/analysis/cooccur';
import { barChartSvg, escapeXml, heatmapGrid, heatmapSvg, ticks } from '../../server/src/core/analysis/charts';
import { main } from '../../server/src/cli';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: process.cwd() });
  assert.equal(code, 0, err);
  return out;
}

/** The texts of every <title> in the SVG, unescaped: what a reader's tooltip says. */
function titles(svg: string): string[] {
  return [...svg.matchAll(/<title(?: id="[^"]*")?>([^<]*)<\/title>/g)].map((m) => m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
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
      barChartSvg(buildMatrix(p, segments, { rows: 'codes', cols: 'role' }), { title: 'By <informant>' }),
      barChartSvg(buildMatrix(p, segments, { rows: 'themes', cols: 'role' }), { transpose: true, theme: 'dark' }),
      heatmapSvg(cooccurrence(segments), { title: '"A" & <B>' }),
    ]) {
      assert.equal(XMLValidator.validate(svg), true, 'well-formed XML');
      assert.ok(!/<script|<i>|<3|& /.test(svg), 'no markup or bare & from a name survives');
      assert.ok(svg.includes('&lt;i&gt;rådgiver&lt;/i&gt; &amp; &lt;script&gt;') || svg.includes('Tid &amp; &quot;kø&quot; &lt;3 &#39;x&#39;'), 'names are there, escaped');
    }
    const heat = heatmapSvg(cooccurrence(segments));
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

  it('the demo thesis groups its informants (bank interviews, focus group, municipality): the matrix by group counts every coding once', async () => {
    const byGroup = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'group', '--json', DEMO])) as { columns: string[]; rows: Array<{ name: string; total: number }> };
    const byRole = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'role', '--json', DEMO])) as { rows: Array<{ name: string; total: number }> };
    assert.deepEqual(byGroup.columns, ['bankintervju', 'fokusgruppe', 'kommuneintervju']);
    assert.deepEqual(byGroup.rows.map((r) => r.total), byRole.rows.map((r) => r.total));
  });
});
