// Browser end-to-end (issue 17.7): the Framework Matrix by role and a bar chart on the demo
// thesis, in `npm start`'s VS Code, driven through the webviews' own dropdowns as a student
// does. Asserts what the page shows (every cell's count, every bar's value) against
// `qda matrix --json` on the same folder before taking the screenshots; saves them to
// test/e2e/screenshots/, and with QDA_UPDATE_DOCS_SCREENSHOT=1 into docs/images/ for the README.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/vscode-lib.mjs';
import { choose, runCommand, shotOf, startWorkbench, stopWorkbench, webviewIn } from './support.mjs';

function qdaJson(folder, ...args) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args, '--json', folder], { encoding: 'utf8' });
  assert.equal(r.status, 0, `qda ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the analysis views in the browser workbench (issue 17)', function () {
  this.timeout(120_000);
  let ctx;
  const events = [];

  before(async function () {
    ctx = await startWorkbench('e2e-analysis');
    const { page, browser, runDir } = ctx;
    // What ended the page or the browser, should either end (the last attempt's mystery).
    const note = (what) => {
      events.push(what);
      fs.appendFileSync(path.join(runDir, 'logs/page-events.log'), `${new Date().toISOString()} ${what}\n`);
    };
    page.on('crash', () => note('page crashed'));
    page.on('close', () => note('page closed'));
    page.on('pageerror', (e) => note(`page error: ${e}`));
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) note(`navigated: ${f.url()}`); });
    browser.on('close', () => note('browser closed'));
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.goto(ctx.started.url);
    await page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]').waitFor({ timeout: 60_000 });
  });

  after(async function () {
    if (events.length) console.log(`      [e2e] page events: ${events.join('; ')}`);
    await stopWorkbench(this, ctx ?? {});
  });

  it('shows the framework matrix by role with the counts of qda matrix --json in every cell', async function () {
    const expected = qdaJson(ctx.folder, 'matrix', '--rows', 'groups', '--cols', 'role');
    assert.ok(expected.columns.includes('rådgiver') && expected.columns.includes('leder'), 'the demo gives its informants roles');
    await runCommand(ctx.page, 'Thesis QDA: Show Framework Matrix');
    const { view } = await webviewIn(ctx.page);
    await view.locator('#sel-rows').waitFor({ timeout: 30_000 });
    await choose(view, 'sel-rows', 'groups');
    await choose(view, 'sel-cols', 'role');
    await view.locator('thead th', { hasText: /^rådgiver$/ }).waitFor({ timeout: 15_000 });
    // A long table is drawn a screenful first and the rest in slices (aria-busy meanwhile): read it whole.
    await view.locator('#out table:not([aria-busy])').waitFor({ timeout: 15_000 });
    // The table as the student reads it: the header, then each row's name and cell texts.
    const drawn = await view.locator('#out table').evaluate((t) => ({
      columns: [...t.querySelectorAll('thead th')].slice(1, -1).map((th) => th.textContent),
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => ({
        name: tr.querySelector('th').textContent.replace(/^[▸▾]?\s*/, ''),
        kind: tr.className,
        // A row that can fold has a toggle (a group's codes are not shown here, so it has none,
        // nor has a theme of codes alone).
        toggle: !!tr.querySelector('th button.toggle[aria-expanded]'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })),
    }));
    assert.deepEqual(drawn.columns, expected.columns);
    const cell = (n) => (n ? String(n) : '·');
    assert.deepEqual(drawn.rows, expected.rows.map((r, i) => ({ name: r.name, kind: r.kind, toggle: r.kind === 'theme' && expected.rows[i + 1]?.kind === 'group', cells: [...expected.columns.map((c) => cell(r.cells[c])), cell(r.total)] })));
    assert.ok(drawn.rows.filter((r) => r.kind === 'theme').length >= 4, 'the demo has four themes or more');
    assert.ok(drawn.rows.some((r) => r.kind === 'theme' && !r.toggle), 'the demo has a theme of codes alone, which does not fold here');
    await shotOf(ctx.page, view, 'matrix.png');
  });

  it("a click on a matrix cell reveals the Coded Segments view in the side bar with that cell's segments, readable at side-bar width", async function () {
    const matrix = qdaJson(ctx.folder, 'matrix', '--rows', 'groups', '--cols', 'role');
    const row = matrix.rows.find((r) => r.cells['rådgiver'] > 1);
    assert.ok(row, 'a group with advisers’ codings');
    const expected = qdaJson(ctx.folder, 'query', `"${row.name}"`, '--attribute', 'role=rådgiver');
    assert.equal(expected.length, row.cells['rådgiver']);
    const cell = (await webviewIn(ctx.page)).view.locator(`td button[data-column="rådgiver"][data-row=${JSON.stringify(row.name)}]`);
    await cell.click();
    let { view } = await webviewIn(ctx.page, '.part.sidebar');
    await view.locator('#summary', { hasText: new RegExp(`^${expected.length}\\b`) }).waitFor({ timeout: 30_000 });
    // The focus stays on the cell clicked, so a keyboard user goes on from cell to cell.
    assert.equal(await cell.evaluate((e) => document.hasFocus() && document.activeElement === e), true, 'the matrix cell keeps the focus');
    // In the Thesis QDA container's side bar, under its own heading.
    await ctx.page.locator('.part.sidebar .pane-header', { hasText: /Coded Segments/ }).waitFor({ timeout: 15_000 });
    const texts = await view.locator('#out li .text').allTextContents();
    assert.deepEqual(texts.sort(), expected.map((s) => s.text).sort());
    // Compact: nothing wider than the side bar (the quote wraps), each entry's meta on one line.
    const layout = await view.locator('body').evaluate(() => {
      const meta = document.querySelector('#out li .meta');
      const width = document.documentElement.clientWidth;
      // What sticks out, for the message.
      const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 0.5).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`);
      return { overflow: document.documentElement.scrollWidth - width, width, wide, metaWrap: getComputedStyle(meta).whiteSpace };
    });
    assert.ok(layout.width < 480, `the side bar is narrow (${layout.width}px)`);
    assert.equal(layout.overflow, 0, `no horizontal scrolling: ${layout.wide.join(', ')}`);
    assert.equal(layout.metaWrap, 'nowrap');
    // The other views of the container folded, so that the shot shows the list (a student
    // reading segments does the same, or uses Open in Editor).
    for (const name of ['Codebook', 'Informants', 'Orphaned Codings', 'Review']) {
      const header = ctx.page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: name });
      if (await header.count()) await header.first().click();
    }
    // The condition, not a time: the page has grown into the freed height.
    for (let i = 0; i < 50 && (await view.locator('body').evaluate(() => window.innerHeight)) < 400; i++) await new Promise((r) => setTimeout(r, 100));
    // The builder and the filters are folded under one line at this width; Enter on it opens them.
    assert.equal(await view.locator('#term').isVisible(), false, 'the builder is folded');
    await shotOf(ctx.page, view, 'segments-view.png', { part: '.part.sidebar' });
    await view.locator('#refine > summary').press('Enter');
    await view.locator('#term').waitFor({ state: 'visible', timeout: 5_000 });

    // Words typed in the box and not yet run, and the opened builder, survive the side bar
    // showing another container (the page is destroyed) and this one again.
    const typed = '"Tid og kø" AND NOT';
    await view.locator('#query').fill(typed);
    await runCommand(ctx.page, 'View: Show Explorer');
    await ctx.page.locator('.part.sidebar .pane-header', { hasText: /Coded Segments/ }).waitFor({ state: 'hidden', timeout: 15_000 });
    await ctx.page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]').click();
    ({ view } = await webviewIn(ctx.page, '.part.sidebar'));
    await view.locator('#summary', { hasText: new RegExp(`^${expected.length}\\b`) }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#query').inputValue(), typed);
    assert.equal(await view.locator('#term').isVisible(), true, 'the builder still open');

    // "Open in Editor" takes the list and the words typed but not run to a panel.
    await runCommand(ctx.page, 'Thesis QDA: Open Coded Segments in Editor');
    await ctx.page.locator('.part.editor .tab.active[aria-label^="Coded Segments"]').waitFor({ timeout: 15_000 });
    const { view: inEditor } = await webviewIn(ctx.page);
    await inEditor.locator('#summary', { hasText: new RegExp(`^${expected.length}\\b`) }).waitFor({ timeout: 30_000 });
    assert.equal(await inEditor.locator('#query').inputValue(), typed);
    assert.deepEqual((await inEditor.locator('#out li .text').allTextContents()).sort(), expected.map((s) => s.text).sort());
  });

  it('draws theme frequency by role as bars with the values of qda matrix --json', async function () {
    const expected = qdaJson(ctx.folder, 'matrix', '--rows', 'themes', '--cols', 'role');
    await runCommand(ctx.page, 'View: Close All Editors');
    await runCommand(ctx.page, 'Thesis QDA: Show Charts');
    const { view } = await webviewIn(ctx.page);
    await view.locator('#sel-cols').waitFor({ timeout: 30_000 });
    await choose(view, 'sel-cols', 'role');
    await view.locator('#chart svg desc', { hasText: expected.rows[0].name }).waitFor({ state: 'attached', timeout: 15_000 });
    // Every bar segment (an ECharts path) carries "<theme> · <role>: <n>" as its tooltip; the
    // bar's total ("<theme>: <n> codings") is a datum of its own.
    const bars = (await view.locator('#chart svg path > title').allTextContents()).filter((t) => t.includes(' · '));
    const want = expected.rows.flatMap((r) => expected.columns.filter((c) => r.cells[c] > 0).map((c) => `${r.name} · ${c}: ${r.cells[c]}`));
    assert.deepEqual(bars.sort(), want.sort());
    assert.ok(want.length >= 4, 'bars to see');
    await shotOf(ctx.page, view, 'chart.png');
  });
});
