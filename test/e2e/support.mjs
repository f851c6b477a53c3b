// Helpers for the browser end-to-end tests: run `npm start`'s script on a copy of the demo,
// drive the VS Code web workbench with playwright-core, and read the project from disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, makeRunDir, copyProject, testProjectSource, launchChromium } from '../../scripts/vscode-lib.mjs';

export const SHOTS = path.join(ROOT, 'test/e2e/screenshots');

/** A run folder with a copy of the demo thesis (tests never write into the repository's copy). */
export function freshProject(label) {
  const runDir = makeRunDir(label);
  const source = testProjectSource();
  const folder = copyProject(source, path.join(runDir, 'workspace', path.basename(source)));
  return { runDir, folder };
}

/**
 * Runs scripts/start.mjs (what `npm start` runs) on `folder` and resolves with the URL it
 * prints. stop() sends SIGINT, as Ctrl+C in a terminal does, and resolves with its exit code.
 */
export async function npmStart(folder, runDir) {
  const proc = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), folder, '--no-build', '--port=0', `--run-dir=${runDir}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = out.match(/Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/);
      if (m) resolve(m[1]);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${out}`)));
    setTimeout(() => reject(new Error(`npm start printed no URL within 60 s:\n${out}`)), 60_000).unref();
  });
  const stop = () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      proc.once('exit', (code, signal) => resolve(code ?? signal));
      proc.kill('SIGINT');
    });
  return { url, proc, stop, output: () => out };
}

/** PIDs of processes whose command line mentions `needle` (to prove a clean stop). */
export function processesMentioning(needle) {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) pids.push(Number(d));
    } catch { /* gone */ }
  }
  return pids;
}

/** Codings on disk (all coders). */
export function readCodings(folder) {
  const dir = path.join(folder, '.qda/codings');
  if (!fs.existsSync(dir)) return [];
  // Both layouts: .qda/codings/<coder>.jsonl and .qda/codings/<coder>/<transcript>.jsonl.
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl')).flatMap((f) =>
    fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
      try { return [JSON.parse(l)]; } catch { return []; }
    }));
}

/** Codebook codes with the chain of headings above them (what the tree nests them under). */
export function codebookCodes(folder) {
  const out = [];
  const chain = [];
  for (const line of fs.readFileSync(path.join(folder, 'codebook.md'), 'utf8').split('\n')) {
    const h = line.match(/^(#{2,6})\s+(.+?)\s*#*\s*$/);
    if (h) { chain.length = h[1].length - 2; chain.push(h[2]); continue; }
    const c = line.match(/^[-*+]\s+\*\*(.+?)\*\*/);
    if (c) out.push({ name: c[1].trim(), path: [...chain] });
  }
  return out;
}

function interviewers(folder) {
  const m = fs.readFileSync(path.join(folder, 'qda.yaml'), 'utf8').match(/^interviewers:\s*\[(.*)\]/m);
  return new Set((m ? m[1].split(',') : ['Intervjuer', 'I']).map((s) => s.trim().replace(/^["']|["']$/g, '').toLowerCase()));
}

/**
 * Words of an informant's turn that no coding covers and that occur once in the file, so the
 * editor's Find widget selects exactly them.
 */
export function uncodedPhrase(folder, doc, { words = 6, from = 0 } = {}) {
  const text = fs.readFileSync(path.join(folder, doc), 'utf8');
  const coded = readCodings(folder).filter((c) => c.doc === doc);
  const skip = interviewers(folder);
  for (const m of text.matchAll(/^\*\*([^*]+):\*\*\s*(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?(.+)$/gm)) {
    if (skip.has(m[1].trim().toLowerCase()) || m.index < from) continue;
    const body = m[2];
    const bodyStart = m.index + m[0].length - body.length;
    const ws = [...body.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)];
    for (let i = 0; i + words <= ws.length; i += words) {
      const start = bodyStart + ws[i].index;
      const end = bodyStart + ws[i + words - 1].index + ws[i + words - 1][0].length;
      const exact = text.slice(start, end);
      if (/[\n[\]()*]/.test(exact)) continue; // keep Find literal and the line simple
      if (coded.some((c) => c.start < end && start < c.end)) continue;
      if (text.indexOf(exact) !== text.lastIndexOf(exact)) continue;
      return { start, end, exact };
    }
  }
  throw new Error(`${doc} has no uncoded informant phrase of ${words} words`);
}

/** Runs a command from the command palette by its full title ("Category: Title"). */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const option = page.locator('.quick-input-list [role="option"]').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`) }),
  });
  await option.first().waitFor({ timeout: 15_000 });
  await option.first().click();
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tree row of a label in the side bar (label exact, description free). */
export function treeRow(page, label) {
  return page.locator('.part.sidebar [role="treeitem"]').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }),
  }).first();
}

/** Expands tree rows along `labels` (clicking only the collapsed ones). */
export async function expandPath(page, labels) {
  for (const label of labels) {
    const row = treeRow(page, label);
    await row.waitFor({ timeout: 30_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
}

/** The count a tree row shows: the first number of its description (else of the label's tail). */
export async function rowCount(row) {
  const desc = (await row.locator('.label-description').first().textContent().catch(() => '')) ?? '';
  const m = desc.match(/\d+/) ?? ((await row.textContent()) ?? '').replace(/^[^\d]*?\s/, ' ').match(/\d+/);
  if (!m) throw new Error(`tree row shows no count: ${await row.textContent()}`);
  return Number(m[0]);
}

/** 1-based line number of a UTF-16 offset in a file (what Ctrl+G takes). */
export function lineOf(folder, doc, offset) {
  return fs.readFileSync(path.join(folder, doc), 'utf8').slice(0, offset).split('\n').length;
}

/** Moves the cursor to a line with Go to Line (Ctrl+G), which also scrolls it into view. */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
}

/** Number of extension decorations (VS Code renders them with generated "ced-…" classes) in the visible lines. */
export function decorationCount(page) {
  return page.locator('.editor-instance [class*="ced-"]').count();
}

/**
 * The set-up every browser suite shares: a fresh copy of the demo in a run folder of its own,
 * `npm start` on it and headless Chromium with one page (not yet at the workbench's URL).
 */
export async function startWorkbench(label) {
  const { runDir, folder } = freshProject(label);
  const started = await npmStart(folder, runDir);
  const { context: browser, page } = await launchChromium(runDir);
  return { runDir, folder, started, browser, page };
}

/**
 * The matching tear-down, for an after() hook (`hook` is its `this`): a screenshot of the page
 * when a test failed, Chromium closed, `npm start` stopped; the run folder is removed when every
 * test passed and kept (its path printed) otherwise.
 */
export async function stopWorkbench(hook, { runDir, started, browser, page }) {
  if (hook.test?.parent?.tests.some((t) => t.state === 'failed')) {
    await page?.screenshot({ path: path.join(runDir, 'logs/failure.png') }).catch(() => {});
  }
  await browser?.close().catch(() => {});
  await started?.stop();
  if (hook.test?.parent?.tests.every((t) => t.state === 'passed')) fs.rmSync(runDir, { recursive: true, force: true });
  else if (runDir) console.log(`      [e2e] run folder kept: ${runDir}`);
}

/** The transcript with the most codings (so that screenshots show a coded text). */
export function mostCodedDoc(codings) {
  const byDoc = new Map();
  for (const c of codings) byDoc.set(c.doc, (byDoc.get(c.doc) ?? 0) + 1);
  return [...byDoc].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Opens `doc` with Quick Open (Ctrl+P) and waits for its tab. */
export async function quickOpen(page, doc) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(path.basename(doc));
  await page.locator('.quick-input-list [role="option"]', { hasText: path.basename(doc) }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label^="${path.basename(doc)}"]`).first().waitFor({ timeout: 30_000 });
}

// ---- Analysis webviews (the Framework Matrix, Coded Segments, Charts).

/**
 * The visible webview in a part of the workbench ('.part.editor', '.part.sidebar'):
 * { view (its page's frame), name (its outer iframe's name) }. VS Code lays the webviews' outer
 * iframes over the workbench rather than inside the part (so the part is found by where the
 * iframe lies; a hidden one stays in the DOM, invisible), and nests the page in
 * iframe#active-frame; an editor part holding two panels shows one. `has`: a selector the page
 * must hold; `accept(view)`: any further condition (a theme's colours). Waits until there is one.
 */
export async function webviewIn(page, part = '.part.editor', { has, accept, timeout = 30_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const box = await page.locator(part).boundingBox();
    const names = box ? await page.locator('iframe.webview.ready').evaluateAll((frames, b) => frames.filter((f) => {
      const r = f.getBoundingClientRect();
      // Its middle, horizontally (an overlay may reach past the part's bottom, clipped).
      const x = r.left + r.width / 2;
      return f.checkVisibility() && r.width > 0 && x > b.x && x < b.x + b.width;
    }).map((f) => f.name), box) : [];
    for (const name of names) {
      const view = page.frameLocator(`iframe[name="${name}"]`).frameLocator('iframe#active-frame');
      if (has && !(await view.locator(has).count().catch(() => 0))) continue;
      if (accept && !(await accept(view))) continue;
      return { view, name };
    }
    if (Date.now() > until) throw new Error(`no visible webview${has ? ` with ${has}` : ''} in ${part}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Changes a dropdown of the page as a keyboard user does (focus it, pick an option), waits for
 * the page to redraw with the answer, and checks that the new dropdown has the value and the
 * focus (a redraw that dropped the focus would leave a keyboard user at the top of the page).
 */
export async function choose(view, id, value) {
  const select = view.locator(`#${id}`);
  await select.evaluate((e) => { e.dataset.before = '1'; });
  await select.focus();
  await select.selectOption(value);
  const redrawn = view.locator(`#${id}:not([data-before])`);
  await redrawn.waitFor({ timeout: 15_000 });
  assert.equal(await redrawn.inputValue(), value);
  assert.ok(await redrawn.evaluate((e) => e === document.activeElement), `#${id} keeps the focus after the page redrew`);
}

/**
 * A shot of a part of the workbench (the editor area, the side bar) to test/e2e/screenshots/,
 * without the focus ring of the last control used; with QDA_UPDATE_DOCS_SCREENSHOT=1 also to
 * docs/images/ under `docs` (the same name unless given; null: not for the docs).
 */
export async function shotOf(page, view, name, { part = '.part.editor', docs = name } = {}) {
  await view.locator('body').evaluate(() => document.activeElement?.blur());
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.locator(part).screenshot({ path: path.join(SHOTS, name) });
  if (docs && process.env.QDA_UPDATE_DOCS_SCREENSHOT) {
    fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    fs.copyFileSync(path.join(SHOTS, name), path.join(ROOT, 'docs/images', docs));
  }
}
