// Browser end-to-end (issue 17): the Framework Matrix and the Charts view on the demo thesis in
// `npm start`'s VS Code. Asserts on the webviews' DOM (a table cell per role, an SVG with a bar
// per theme); saves screenshots to test/e2e/screenshots/, and with QDA_UPDATE_DOCS_SCREENSHOT=1
// also into docs/ (analysis-matrix.png, analysis-chart.png), as the other e2e suites do.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launchChromium } from '../../scripts/vscode-lib.mjs';
import { SHOTS, freshProject, npmStart, runCommand } from './support.mjs';

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) });
  if (process.env.QDA_UPDATE_DOCS_SCREENSHOT) fs.copyFileSync(path.join(SHOTS, name), path.join(ROOT, 'docs', name));
}

/** The page inside the active webview (VS Code nests it in two iframes). */
const webview = (page) => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');

describe('the analysis views in the browser workbench (issue 17)', function () {
  this.timeout(120_000);
  let runDir, started, browser, page;

  before(async function () {
    let folder;
    ({ runDir, folder } = freshProject('e2e-analysis'));
    started = await npmStart(folder, runDir);
    ({ context: browser, page } = await launchChromium(runDir));
    await page.setViewportSize({ width: 1400, height: 860 }).catch(() => {});
    await page.goto(started.url);
    await page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]').waitFor({ timeout: 60_000 });
  });

  after(async function () {
    if (this.test?.parent?.tests.some((t) => t.state === 'failed')) await page?.screenshot({ path: path.join(runDir, 'logs/failure.png') }).catch(() => {});
    await browser?.close().catch(() => {});
    await started?.stop();
    if (this.test?.parent?.tests.every((t) => t.state === 'passed')) fs.rmSync(runDir, { recursive: true, force: true });
    else if (runDir) console.log(`      [e2e] run folder kept: ${runDir}`);
  });

  it('shows the framework matrix by role, with a cell per theme and role', async function () {
    await runCommand(page, 'Thesis QDA: Show Framework Matrix');
    const view = webview(page);
    await view.locator('#sel-cols').waitFor({ timeout: 30_000 });
    await view.locator('#sel-rows').selectOption('groups');
    await view.locator('#sel-cols').selectOption('role');
    const header = view.locator('thead th', { hasText: 'rådgiver' });
    await header.waitFor({ timeout: 15_000 });
    const theme = view.locator('tr.theme th[scope=row]', { hasText: 'Kompetanse og opplæring' });
    await theme.waitFor({ timeout: 15_000 });
    assert.ok((await view.locator('tr.theme').count()) >= 4);
    await shot(page, 'analysis-matrix.png');
  });

  it('draws theme frequency by role as a bar chart', async function () {
    await runCommand(page, 'Thesis QDA: Show Charts');
    const view = webview(page);
    await view.locator('#sel-cols').waitFor({ timeout: 30_000 });
    await view.locator('#sel-cols').selectOption('role');
    await view.locator('#chart svg desc', { hasText: 'codings' }).waitFor({ state: 'attached', timeout: 15_000 });
    const desc = await view.locator('#chart svg desc').textContent();
    assert.match(desc, /Kompetanse og opplæring: \d+ codings/);
    await view.locator('#chart svg rect.s0').first().waitFor({ timeout: 15_000 });
    await shot(page, 'analysis-chart.png');
  });
});
