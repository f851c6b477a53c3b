// Browser end-to-end (issue 15): what a student meets first, in `npm start`'s VS Code: the
// Getting Started walkthrough opens with "Start a thesis project", and a right-click on a
// coded passage offers Uncode, Recode, Show in Codebook and Insert Quote. Asserts on the DOM;
// saves two screenshots to test/e2e/screenshots/, and with QDA_UPDATE_DOCS_SCREENSHOT=1 also
// into docs/ (walkthrough-new-project.png, passage-menu.png), as workbench.e2e.mjs does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/vscode-lib.mjs';
import { SHOTS, startWorkbench, stopWorkbench, mostCodedDoc, quickOpen, readCodings, runCommand, lineOf, goToLine } from './support.mjs';

/** Saves a screenshot to test/e2e/screenshots/ (and docs/ when asked to update them). */
async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) });
  if (process.env.QDA_UPDATE_DOCS_SCREENSHOT) fs.copyFileSync(path.join(SHOTS, name), path.join(ROOT, 'docs', name));
}

describe('a student’s first steps in the browser workbench (issue 15)', function () {
  this.timeout(120_000);
  let runDir, folder, started, browser, page;

  before(async function () {
    ({ runDir, folder, started, browser, page } = await startWorkbench('e2e-student'));
    await page.goto(started.url);
    await page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]').waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await stopWorkbench(this, { runDir, started, browser, page });
  });

  it('opens the Thesis QDA walkthrough with "Start a thesis project" as its first step', async function () {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const option = page.locator('.quick-input-list [role="option"]', { hasText: 'Get started with Thesis QDA' }).first();
    await option.waitFor({ timeout: 15_000 });
    await option.click();
    const steps = page.locator('.getting-started-step .step-title');
    await steps.first().waitFor({ timeout: 15_000 });
    const titles = (await steps.allTextContents()).map((t) => t.trim()).filter(Boolean);
    assert.deepEqual(titles.slice(0, 2), ['Start a thesis project', 'Import a transcript'], titles.join(' | '));
    await page.locator('.getting-started-step.expanded', { hasText: 'Start a thesis project' }).waitFor({ timeout: 10_000 }).catch(async () => {
      await steps.first().click();
    });
    await page.locator('a, .button-link', { hasText: 'New Thesis Project…' }).first().waitFor({ timeout: 10_000 });
    await shot(page, 'walkthrough-new-project.png');
    await page.keyboard.press('Control+W');
  });

  it('offers Uncode, Recode, Show in Codebook and Insert Quote on a right-click in a coded passage', async function () {
    const codings = readCodings(folder);
    const doc = mostCodedDoc(codings);
    const first = codings.filter((c) => c.doc === doc).sort((a, b) => a.start - b.start)[0];
    await quickOpen(page, doc);
    await goToLine(page, lineOf(folder, doc, first.start));
    const painted = page.locator('.editor-instance [class*="ced-"]:visible').first();
    await painted.waitFor({ timeout: 15_000 });
    // The editor redraws its lines after Go to Line scrolls: the element found may be replaced
    // before it is measured (CI once got null). The locator finds the current one on each try.
    let box = await painted.boundingBox();
    for (const end = Date.now() + 15_000; !box && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      box = await painted.boundingBox();
    }
    assert.ok(box, 'a painted passage is on screen');
    // A right-click straight onto the passage, as a student does: no click before it. Uncode and
    // Recode also need the workspace trusted, a context key the workbench sets a moment after
    // it opens on a fresh profile: the menu is opened again until it has settled (at most 15 s).
    const wanted = ['Uncode…', 'Recode…', 'Show in Codebook', 'Insert Quote into Chapter'];
    const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container').first();
    let items = [];
    for (const end = Date.now() + 15_000; ; ) {
      await page.mouse.click(box.x + Math.min(20, box.width / 2), box.y + box.height / 2, { button: 'right' });
      await menu.waitFor({ timeout: 10_000 });
      items = (await menu.locator('.action-label').allTextContents()).map((t) => t.trim());
      if (wanted.every((w) => items.includes(w)) || Date.now() > end) break;
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
      await page.waitForTimeout(500);
    }
    for (const want of wanted) {
      assert.ok(items.includes(want), `the context menu lacks "${want}": ${items.join(' | ')}`);
    }
    await shot(page, 'passage-menu.png');
    await page.keyboard.press('Escape');
  });
});
