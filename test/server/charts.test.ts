// qda/chart from the built server (issue 17.4): the server loads Apache ECharts from its own file
// (dist/chart-library.js) on the first chart and answers with the SVG the Charts view adopts:
// colour classes for the theme, no palette of its own, and the numbers of qda/matrix and of the
// co-occurrence in its titles and description.
import { strict as assert } from 'node:assert';
import { serverSuite, copyOfDemo } from './lspClient';
import { chartRequest, matrixRequest } from '../../server/src/protocol';
import { parseRefiXml } from '../../server/src/core/refi/xmlRead';


const copyDemo = async (): Promise<string> => copyOfDemo('qda-charts-');

const titles = (svg: string): string[] => [...svg.matchAll(/<title(?: id="[^"]*")?>([^<]*)<\/title>/g)].map((m) => m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));

describe('qda/chart: the server draws with ECharts, loaded on the first chart', function () {
  this.timeout(30000);
  const ctx = serverSuite(copyDemo);

  it('answers the bars of qda/matrix and the heat map, as well-formed SVG with colour classes for the theme', async () => {
    const matrix = await ctx.editor.connection.sendRequest(matrixRequest, { rows: 'themes', cols: 'role', count: 'codings' });
    const bars = await ctx.editor.connection.sendRequest(chartRequest, { chart: 'bars', rows: 'themes', cols: 'role', count: 'codings', title: 'Temaer', unit: 'kodinger' });
    assert.equal(bars.error, undefined);
    parseRefiXml(bars.svg, 'chart.svg', 64);
    assert.ok(!bars.svg.includes('<style>'), 'the view gets classes, not a palette');
    const t = titles(bars.svg);
    const themes = matrix.rows.filter((r) => r.kind === 'theme');
    assert.ok(themes.length > 2);
    for (const r of themes) assert.ok(t.includes(`${r.name}: ${r.total} kodinger`), `the bar of ${r.name}`);
    assert.match(bars.svg, /<path [^>]*class="s0"/, 'parts in the series classes');
    assert.match(bars.svg, /<text [^>]*class="fg"/, 'labels in the foreground class');
    const heat = await ctx.editor.connection.sendRequest(chartRequest, { chart: 'cooccurrence', rows: 'themes', cols: 'informants', count: 'codings', measure: 'sameTurn', top: 100 });
    parseRefiXml(heat.svg, 'heat.svg', 64);
    for (const p of heat.pairs!) assert.ok(titles(heat.svg).includes(`${p.a} × ${p.b}: ${p.sameTurn}`), `${p.a} × ${p.b}`);
    assert.doesNotMatch(ctx.editor.log, /error|cannot find module/i);
  });
});
