// Browser end-to-end (issue 8.3): what a student does in `npm start`'s VS Code, through the
// real workbench UI in headless Chromium: open a transcript, select a passage, run
// "Thesis QDA: Code Selection" from the command palette, pick a code, then see the passage
// painted and the code's count in the Codebook tree go up. Asserts on the DOM, not on pixels;
// saves screenshots of the tree, the coded transcript and a hover to test/e2e/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, chromiumPid, memorySampler } from '../../scripts/vscode-lib.mjs';
import {
  SHOTS, startWorkbench, stopWorkbench, mostCodedDoc, quickOpen, processesMentioning, readCodings, codebookCodes, uncodedPhrase,
  runCommand, treeRow, expandPath, rowCount, escapeRe, lineOf, goToLine, decorationCount,
} from './support.mjs';

describe('Thesis QDA in the browser workbench (npm start)', function () {
  this.timeout(120_000);
  let runDir, folder, started, browser, page, sampler;
  let code, doc, phrase, firstCoding, countBefore, decorationsBefore;

  before(async function () {
    ({ runDir, folder, started, browser, page } = await startWorkbench('e2e'));
    fs.mkdirSync(SHOTS, { recursive: true });
    sampler = memorySampler(() => [started.proc.pid, chromiumPid(), process.pid]);
    page.on('pageerror', (e) => fs.appendFileSync(path.join(runDir, 'logs/page-errors.log'), `${e}\n`));
    // The transcript with the most codings already, so the screenshots show a coded text.
    const codings = readCodings(folder);
    doc = mostCodedDoc(codings) ?? 'transcripts/t1.md';
    // The first coded passage of it, and a fresh phrase just after, so both fit one screen.
    firstCoding = codings.filter((c) => c.doc === doc).sort((a, b) => a.start - b.start)[0];
    phrase = uncodedPhrase(folder, doc, { from: firstCoding?.start ?? 0 });
    // A code with codings (its row shows a count) that is not the most used one.
    const codes = codebookCodes(folder);
    const used = new Map(codes.map((c) => [c.name, 0]));
    for (const c of codings) if (used.has(c.code)) used.set(c.code, used.get(c.code) + 1);
    code = codes.find((c) => used.get(c.name) > 0) ?? codes[0];
  });

  after(async function () {
    if (sampler) console.log(`      [e2e] peak PSS (code-server + chromium + harness): ${sampler.stop()} MiB`);
    await stopWorkbench(this, { runDir, started, browser, page });
  });

  it('opens the demo with the Thesis QDA view container and its Codebook tree', async function () {
    await page.goto(started.url);
    const container = page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]');
    await container.waitFor({ timeout: 60_000 });
    await container.click();
    await expandPath(page, code.path);
    const row = treeRow(page, code.name);
    await row.waitFor({ timeout: 30_000 });
    countBefore = await rowCount(row);
    assert.equal(countBefore, readCodings(folder).filter((c) => c.code === code.name).length,
      `the tree's count for "${code.name}" matches the codings on disk`);
    await page.locator('.part.sidebar').screenshot({ path: path.join(SHOTS, 'codebook-tree.png') });
  });

  it('opens a transcript with Quick Open and shows its coded passages painted', async function () {
    await quickOpen(page, doc);
    await page.locator('.editor-instance .view-lines').first().waitFor();
    assert.ok(firstCoding, `${doc} has no codings to show`);
    await goToLine(page, lineOf(folder, doc, firstCoding.start));
    // Only the visible lines are in the DOM: the coded passage on screen must be painted.
    await page.locator('.editor-instance [class*="ced-"]').first().waitFor({ timeout: 15_000 });
  });

  it('codes a selected passage with "Thesis QDA: Code Selection" from the command palette', async function () {
    // Select the phrase the way a user can from the keyboard: Find, then Escape keeps the match selected.
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+F');
    const find = page.locator('.find-widget textarea, .find-widget input').first();
    await find.waitFor();
    await find.fill(phrase.exact);
    await page.locator('.find-widget .matchesCount', { hasText: /^1 of 1$/ }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500); // let the decorations of the lines now in view render
    decorationsBefore = await decorationCount(page);

    await runCommand(page, 'Thesis QDA: Code Selection');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(code.name);
    const option = page.locator('.quick-input-list [role="option"]').filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(code.name)}\\s*$`) }),
    }).first();
    await option.waitFor({ timeout: 15_000 });
    await option.click();

    // On disk: the coding of exactly the selected words.
    const deadline = Date.now() + 15_000;
    let line;
    while (!(line = readCodings(folder).find((c) => c.doc === doc && c.code === code.name && c.exact === phrase.exact))) {
      assert.ok(Date.now() < deadline, `no coding of "${phrase.exact}" as ${code.name} reached the codings file`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(line.start, phrase.start);
  });

  it("raises the code's count in the Codebook tree by one", async function () {
    const row = treeRow(page, code.name);
    const deadline = Date.now() + 15_000;
    let count = await rowCount(row);
    while (count !== countBefore + 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      count = await rowCount(row);
    }
    assert.equal(count, countBefore + 1, `tree count of "${code.name}"`);
    await page.locator('.part.sidebar').screenshot({ path: path.join(SHOTS, 'codebook-tree.png') });
  });

  it('paints the newly coded passage', async function () {
    await page.waitForFunction(
      (n) => document.querySelectorAll('.editor-instance [class*="ced-"]').length > n,
      decorationsBefore, { timeout: 15_000 },
    );
    // Move the cursor off the phrase so the screenshot shows the paint, not the selection.
    await page.keyboard.press('ArrowDown');
    await page.screenshot({ path: path.join(SHOTS, 'coded-transcript.png') });
    if (process.env.QDA_UPDATE_DOCS_SCREENSHOT) {
      fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      fs.copyFileSync(path.join(SHOTS, 'coded-transcript.png'), path.join(ROOT, 'docs/screenshot.png'));
    }
  });

  it('shows the code in a hover over the coded passage', async function () {
    // Put the cursor inside the phrase's first word with Go to Line's ":line:column", and wait
    // for the status bar to say it is there: a find-and-escape here raced the cursor (CI once
    // hovered the line below, where the passage is not coded).
    const text = fs.readFileSync(path.join(folder, doc), 'utf8');
    const at = phrase.start + 2;
    const line = lineOf(folder, doc, at);
    const column = at - (text.lastIndexOf('\n', at - 1) + 1) + 1;
    await goToLine(page, `${line}:${column}`);
    await page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col ${column}\\b`) })
      .first().waitFor({ timeout: 15_000 });
    const cursor = await page.locator('.editor-instance .cursor').first().boundingBox();
    assert.ok(cursor, 'editor cursor is visible');
    // Come from elsewhere, so the move onto the word is a new mouse position for the editor.
    await page.mouse.move(1, 1);
    await page.mouse.move(cursor.x + 2, cursor.y + cursor.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: code.name }).first();
    await hover.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'hover.png') });
  });

  it('stops cleanly on Ctrl+C (SIGINT): exit 0, no code-server process left', async function () {
    await browser.close();
    browser = undefined;
    const exit = await started.stop();
    assert.equal(exit, 0);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(processesMentioning(runDir), [], 'processes of the run still alive');
  });
});
