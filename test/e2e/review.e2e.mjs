// Browser end-to-end (issue 20): what a supervisor sees. A co-author has reviewed from a
// terminal (`qda review`); in the browser workbench the supervisor turns on Reviewer Mode and
// the Codebook tree shows each theme's review status and open comment counts, and the theme
// report (`qda export theme-report-html`) reads as a document in a browser. Asserts on the DOM;
// saves screenshots to test/e2e/screenshots/ (and docs/ with QDA_UPDATE_DOCS_SCREENSHOT=1).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launchChromium } from '../../scripts/vscode-lib.mjs';
import { SHOTS, freshProject, npmStart, runCommand, treeRow } from './support.mjs';

// Near the top of the tree, so that they are on screen in the sidebar.
const AGREED = 'Lederen går foran';
const NEEDS_WORK = 'Ledelse av innføringen';
const COMMENTED = 'Doble signaler';

async function shot(locator, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await locator.screenshot({ path: path.join(SHOTS, name) });
  if (process.env.QDA_UPDATE_DOCS_SCREENSHOT) fs.copyFileSync(path.join(SHOTS, name), path.join(ROOT, 'docs', name));
}

function qda(folder, ...args) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args, folder], { encoding: 'utf8' });
  assert.equal(r.status, 0, `qda ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('a supervisor reviews the themes (issue 20)', function () {
  this.timeout(120_000);
  let runDir, folder, started, browser, page;

  before(async function () {
    ({ runDir, folder } = freshProject('e2e-review'));
    qda(folder, 'review', 'status', AGREED, 'agreed', '--author', 'veileder');
    qda(folder, 'review', 'status', NEEDS_WORK, 'needs-work', '--author', 'veileder');
    qda(folder, 'review', 'comment', COMMENTED, 'Er dette krysspress eller doble signaler? Se FL2.', '--author', 'veileder');
    qda(folder, 'review', 'comment', NEEDS_WORK, 'Skill mellom å gå foran og å følge opp.', '--author', 'veileder');
    started = await npmStart(folder, runDir);
    ({ context: browser, page } = await launchChromium(runDir, { viewport: { width: 1400, height: 1000 } }));
  });

  after(async function () {
    if (this.test?.parent?.tests.some((t) => t.state === 'failed')) {
      await page?.screenshot({ path: path.join(runDir, 'logs/failure.png') }).catch(() => {});
    }
    await browser?.close().catch(() => {});
    await started?.stop();
    if (this.test?.parent?.tests.every((t) => t.state === 'passed')) fs.rmSync(runDir, { recursive: true, force: true });
    else if (runDir) console.log(`      [e2e] run folder kept: ${runDir}`);
  });

  it('in Reviewer Mode the Codebook tree shows each theme’s status and open comment threads', async function () {
    await page.goto(started.url);
    const container = page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]');
    await container.waitFor({ timeout: 60_000 });
    await container.click();
    await treeRow(page, AGREED).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Thesis QDA: Reviewer Mode');
    // Room for the Codebook: fold every other view of the container, the Review view included,
    // so that the Codebook takes the side bar's height. The tree draws only the rows in view, and
    // CI once gave the Review view most of the height, leaving "Doble signaler" undrawn.
    await page.locator('.part.sidebar .pane-header', { hasText: 'Review' }).first().waitFor({ timeout: 20_000 });
    const others = page.locator('.part.sidebar .pane-header[aria-expanded="true"]').filter({ hasNotText: /^\s*Codebook/ });
    while (await others.count()) await others.first().click();
    const status = async (label, pattern) => {
      const row = treeRow(page, label);
      await row.locator('.label-description', { hasText: pattern }).waitFor({ timeout: 20_000 });
      return (await row.locator('.label-description').textContent()).trim();
    };
    assert.match(await status(COMMENTED, /proposed · 1 comment/), /proposed · 1 comment$/);
    assert.match(await status(AGREED, /agreed/), /✓ agreed/);
    assert.match(await status(NEEDS_WORK, /needs work/), /needs work · 1 comment$/);
    // Coding actions are hidden for a reviewer: the tree's title bar has no New Category.
    const titleActions = await page.locator('.part.sidebar .pane-header .actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(!titleActions.some((a) => /New Category/.test(a)), `no New Category for reviewers: ${titleActions.join(' | ')}`);
    await shot(page.locator('.part.sidebar'), 'reviewer-mode.png');
  });

  it('the theme report is one readable HTML page with statuses, definitions, segments and the open threads', async function () {
    const file = path.join(runDir, 'theme-report.html');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'export', 'theme-report-html', '--segments', '2', '--out', file, folder], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const report = await browser.newPage();
    const requests = [];
    report.on('request', (req) => requests.push(req.url()));
    await report.goto(`file://${file}`);
    const themes = (await report.locator('h2[id^="t"]').allTextContents()).map((t) => t.trim());
    const groups = (await report.locator('h3').allTextContents()).map((t) => t.trim());
    assert.ok(groups.some((t) => t.startsWith(AGREED) && /enig/.test(t)), groups.join(' | '));
    assert.ok(themes.some((t) => t.startsWith(NEEDS_WORK) && /trenger arbeid/.test(t)), themes.join(' | '));
    assert.match(await report.locator('.thread').first().textContent(), /veileder, \d{4}-\d\d-\d\d:/);
    assert.ok((await report.locator('blockquote').count()) > 10, 'segments are quoted');
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'the report fetches nothing');
    await report.setViewportSize({ width: 1000, height: 1300 });
    await report.locator(`h2:has-text("${NEEDS_WORK}")`).scrollIntoViewIfNeeded();
    await shot(report, 'theme-report.png');
    await report.close();
  });
});
