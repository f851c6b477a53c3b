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
import { SHOTS, runCommand, startWorkbench, stopWorkbench } from './support.mjs';

/** A shot of the workbench's editor area (the webview), without the focus ring of the last dropdown used. */
async function shot(page, view, name) {
  await view.locator('body').evaluate(() => document.activeElement?.blur());
  const locator = page.locator('.part.editor');
  fs.mkdirSync(SHOTS, { recursive: true });
  await locator.screenshot({ path: path.join(SHOTS, name) });
  if (process.env.QDA_UPDATE_DOCS_SCREENSHOT) {
    fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    fs.copyFileSync(path.join(SHOTS, name), path.join(ROOT, 'docs/images', name));
  }
}

function qdaJson(folder, ...args) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args, '--json', folder], { encoding: 'utf8' });
  assert.equal(r.status, 0, `qda ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * The page inside the visible webview. VS Code nests it twice: an outer iframe per webview
 * (class "webview ready"; a hidden one is kept in the DOM, invisible) and the page's own
 * iframe#active-frame inside it.
 */
const webview = (page) => page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');

/**
 * Changes a dropdown of the page as a keyboard user does (focus it, pick an option), waits for
 * the page to redraw with the answer, and checks that the new dropdown has the value and the
 * focus (a redraw that dropped the focus would leave a keyboard user at the top of the page).
 */
async function choose(view, id, value) {
  const select = view.locator(`#${id}`);
  await select.evaluate((e) => { e.dataset.before = '1'; });
  await select.focus();
  await select.selectOption(value);
  const redrawn = view.locator(`#${id}:not([data-before])`);
  await redrawn.waitFor({ timeout: 15_000 });
  assert.equal(await redrawn.inputValue(), value);
  assert.ok(await redrawn.evaluate((e) => e === document.activeElement), `#${id} keeps the focus after the page redrew`);
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
    const view = webview(ctx.page);
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
        name: tr.querySelector('th').textContent.replace(/^[▸▾]\s*/, ''),
        kind: tr.className,
        // A row that can fold has a toggle (a group's codes are not shown here, so it has none).
        toggle: !!tr.querySelector('th button.toggle[aria-expanded]'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })),
    }));
    assert.deepEqual(drawn.columns, expected.columns);
    const cell = (n) => (n ? String(n) : '·');
    assert.deepEqual(drawn.rows, expected.rows.map((r) => ({ name: r.name, kind: r.kind, toggle: r.kind === 'theme', cells: [...expected.columns.map((c) => cell(r.cells[c])), cell(r.total)] })));
    assert.ok(drawn.rows.filter((r) => r.kind === 'theme').length >= 4, 'the demo has four themes or more');
    await shot(ctx.page, view, 'matrix.png');
  });

  it('draws theme frequency by role as bars with the values of qda matrix --json', async function () {
    const expected = qdaJson(ctx.folder, 'matrix', '--rows', 'themes', '--cols', 'role');
    await runCommand(ctx.page, 'View: Close All Editors');
    await runCommand(ctx.page, 'Thesis QDA: Show Charts');
    const view = webview(ctx.page);
    await view.locator('#sel-cols').waitFor({ timeout: 30_000 });
    await choose(view, 'sel-cols', 'role');
    await view.locator('#chart svg desc', { hasText: expected.rows[0].name }).waitFor({ state: 'attached', timeout: 15_000 });
    // Every bar segment (an ECharts path) carries "<theme> · <role>: <n>" as its tooltip; the
    // bar's total ("<theme>: <n> codings") is a datum of its own.
    const bars = (await view.locator('#chart svg path > title').allTextContents()).filter((t) => t.includes(' · '));
    const want = expected.rows.flatMap((r) => expected.columns.filter((c) => r.cells[c] > 0).map((c) => `${r.name} · ${c}: ${r.cells[c]}`));
    assert.deepEqual(bars.sort(), want.sort());
    assert.ok(want.length >= 4, 'bars to see');
    await shot(ctx.page, view, 'chart.png');
  });
});
