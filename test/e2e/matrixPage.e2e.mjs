// The Framework Matrix's page in headless Chromium, alone (test/e2e/matrixPage.mjs: the page
// exactly as the extension builds it), with more rows than a screen holds: it paints a screenful
// first and the rest in slices (issue 17.8, first paint ≤ 500 ms on the bench corpus). What a
// student sees must not suffer for it: once drawn, every cell of the data is in the table as
// text; arrow keys go from the first screenful into the rows drawn after it; a redraw after an
// edit keeps the scroll place and the keyboard focus on the same cell; a folded theme keeps the
// focus on its toggle. The order of events is asserted, never a duration.
import assert from 'node:assert/strict';
import { matrixBrowser } from './matrixPage.mjs';

// 3 themes › 4 groups › 12 codes (159 rows) × 6 informants; names hold markup, which stays text.
const COLUMNS = ['FL1', 'FL2', 'Informant <A>', 'R1', 'R2', 'R3'];
function data(bump = 0) {
  const rows = [];
  let n = 0;
  const cells = () => Object.fromEntries(COLUMNS.map((c, i) => [c, (n++ * 7 + i) % 5 === 0 ? 0 : ((n * 13 + i) % 40) + bump]));
  const row = (name, kind, depth) => {
    const c = cells();
    rows.push({ name, kind, depth, cells: c, total: Object.values(c).reduce((a, b) => a + b, 0) });
  };
  for (let t = 1; t <= 3; t++) {
    row(`Theme ${t} <b>&amp;</b>`, 'theme', 0);
    for (let g = 1; g <= 4; g++) {
      row(`Group ${t}.${g}`, 'group', 1);
      for (let k = 1; k <= 12; k++) row(`Code ${t}.${g}.${k} "quoted"`, 'code', 2);
    }
  }
  return { columns: COLUMNS, rows, attributes: ['role'], coders: ['anna', 'bob'] };
}
const PARAMS = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };

/** The table as a student reads it: each row's name (without its fold toggle) and cell texts. */
const readTable = (page) => page.evaluate(() => ({
  columns: [...document.querySelectorAll('#out thead th')].slice(1, -1).map((th) => th.textContent),
  rows: [...document.querySelectorAll('#out tbody tr')].map((tr) => ({
    name: tr.querySelector('th').textContent.replace(/^[▸▾]\s*/, ''),
    kind: tr.className,
    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
  })),
  busy: document.querySelector('#out table')?.getAttribute('aria-busy') ?? null,
}));
const expected = (d) => d.rows.map((r) => ({ name: r.name, kind: r.kind, cells: [...d.columns.map((c) => (r.cells[c] ? String(r.cells[c]) : '·')), r.cells && (r.total ? String(r.total) : '·')] }));
/** The focused cell: its row, column and text. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { row: a?.dataset?.row, column: a?.dataset?.column, key: a?.dataset?.key, text: a?.textContent, expanded: a?.getAttribute('aria-expanded') };
});

describe('the Framework Matrix page with more rows than a screen holds (headless Chromium)', function () {
  this.timeout(120_000);
  let b;
  before(async () => {
    b = await matrixBrowser({ width: 900, height: 400 });
  });
  after(async () => b?.close());

  it('paints a screenful first, then draws the rest, and then shows every cell of the data', async () => {
    await b.open();
    const d = data();
    const t0 = await b.now();
    await b.send(PARAMS, d);
    const first = await b.next('firstScreen', t0);
    assert.ok(first.rows > 0 && first.rows < d.rows.length, `a screenful first (${first.rows} of ${d.rows.length} rows)`);
    const rendered = await b.next('rendered', t0);
    assert.ok(rendered.t >= first.t, 'the whole table is reported after the first screenful');
    assert.equal(rendered.rendered.rows, d.rows.length);
    assert.equal(rendered.rendered.cells, d.rows.reduce((n, r) => n + d.columns.filter((c) => r.cells[c] > 0).length, 0));
    const drawn = await readTable(b.page);
    assert.equal(drawn.busy, null, 'no longer busy once drawn');
    assert.deepEqual(drawn.columns, d.columns);
    assert.deepEqual(drawn.rows, expected(d));
  });

  it('moves with the arrow keys from the first screenful into the rows drawn after it', async () => {
    const d = data();
    const first = (await b.messages()).findLast((m) => m.type === 'firstScreen').rows;
    await b.page.locator('#out tbody tr').first().locator('td button').nth(1).focus();
    for (let i = 0; i < first + 5; i++) await b.page.keyboard.press('ArrowDown');
    const at = await focused(b.page);
    assert.equal(at.row, d.rows[first + 5].name);
    assert.equal(at.column, d.columns[1]);
  });

  it('keeps the scroll place and the focused cell when an edit redraws the table', async () => {
    const row = 120;
    const cell = b.page.locator('#out tbody tr').nth(row).locator('td button').nth(2);
    await cell.focus();
    const scrolled = await b.page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 0, 'the focused cell is below the first screen');
    const t0 = await b.now();
    const d = data(1);
    await b.send(PARAMS, d);
    await b.next('rendered', t0);
    const at = await focused(b.page);
    assert.deepEqual([at.row, at.column], [d.rows[row].name, d.columns[2]]);
    assert.equal(at.text, d.rows[row].cells[d.columns[2]] ? String(d.rows[row].cells[d.columns[2]]) : '·', 'the cell shows the new count');
    assert.equal(await b.page.evaluate(() => window.scrollY), scrolled);
    assert.deepEqual((await readTable(b.page)).rows, expected(d));
  });

  it('keeps the focus on a theme’s toggle when Enter folds it, and hides its rows', async () => {
    const d = data(1);
    const themes = d.rows.flatMap((r, i) => (r.kind === 'theme' ? [i] : []));
    const toggle = b.page.locator('#out tbody tr.theme').nth(1).locator('th button.toggle');
    await toggle.focus();
    const t0 = await b.now();
    await b.page.keyboard.press('Enter');
    await b.next('rendered', t0);
    const at = await focused(b.page);
    assert.equal(at.key, `toggle\u0000theme\u0000${d.rows[themes[1]].name}`);
    assert.equal(at.expanded, 'false');
    const drawn = await readTable(b.page);
    assert.deepEqual(drawn.rows, expected(d).filter((r, i) => i <= themes[1] || i >= themes[2]));
  });
});
