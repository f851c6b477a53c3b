// Browser end-to-end: the analysis views are readable in light, dark and high-contrast themes.
// One workbench session on the demo thesis, with the Framework Matrix (groups × role), the
// Coded Segments view (from a click on a matrix cell) and Charts open; for each built-in theme
// the test picks it with Preferences: Color Theme and measures, with the colours the browser
// computes, what a reader needs:
// - every heat-shaded matrix cell's number (the darkest step included) has a WCAG contrast of
//   4.5:1 or more against the cell's effective background (the cell's colour composited over
//   the page and the workbench behind the webview), as have the column headers and row names;
// - a heat cell is told from an empty one: its background differs, or (high contrast) an
//   outline of 3:1 against the background marks it;
// - each Coded Segments entry's quote, speaker line and place meet 4.5:1 against the entry;
// - every text of the chart (axis labels, values, legend) meets 4.5:1 against the chart's
//   background.
// Saves a shot of the matrix per theme to test/e2e/screenshots/ (with QDA_UPDATE_DOCS_SCREENSHOT=1
// the dark and high-contrast ones to docs/images/ for the README too).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { choose, escapeRe, runCommand, shotOf, startWorkbench, stopWorkbench, webviewIn } from './support.mjs';

/**
 * The built-in themes by their setting ids and the picker's labels, with the workbench's class
 * and the webview body's for each: VS Code's default (Light 2026, what a student sees first),
 * Light and Dark Modern, Dark 2026, and the two high-contrast themes.
 */
const THEMES = [
  { id: 'Light 2026', label: 'Light 2026', slug: 'light-2026', workbench: 'vs', body: 'vscode-light', isDefault: true },
  { id: 'Dark Modern', label: 'Dark Modern', slug: 'dark', workbench: 'vs-dark', body: 'vscode-dark', docs: 'matrix-dark.png' },
  { id: 'Light Modern', label: 'Light Modern', slug: 'light', workbench: 'vs', body: 'vscode-light' },
  { id: 'Dark 2026', label: 'Dark 2026', slug: 'dark-2026', workbench: 'vs-dark', body: 'vscode-dark' },
  { id: 'Default High Contrast', label: 'Dark High Contrast', slug: 'high-contrast', workbench: 'hc-black', body: 'vscode-high-contrast', docs: 'matrix-high-contrast.png' },
  { id: 'Default High Contrast Light', label: 'Light High Contrast', slug: 'high-contrast-light', workbench: 'hc-light', body: 'vscode-high-contrast-light' },
];

/** Theme colours a page must have taken from the workbench before it is measured (a theme of the same kind changes no class). */
const FINGERPRINT = ['--vscode-foreground', '--vscode-editor-foreground', '--vscode-editor-background', '--vscode-charts-blue', '--vscode-textBlockQuote-background', '--vscode-textLink-foreground', '--vscode-descriptionForeground'];

const MIN_TEXT = 4.5; // WCAG 2 AA, normal text
const MIN_NON_TEXT = 3; // WCAG 2.1 1.4.11, a mark that tells a state (the high-contrast outline)

// ---- Colours: what getComputedStyle gives, composited and compared in Node.

/** [r, g, b, a] (0–1) of a computed colour: rgb()/rgba() or color(srgb …), as Chromium serialises them. */
function parseColour(s) {
  if (s === 'transparent' || s === 'none' || !s) return [0, 0, 0, 0];
  let m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(s);
  if (m) return [m[1] / 255, m[2] / 255, m[3] / 255, m[4] === undefined ? 1 : m[5] ? m[4] / 100 : Number(m[4])];
  m = /^color\(srgb\s+([-\d.e]+)\s+([-\d.e]+)\s+([-\d.e]+)(?:\s*\/\s*([\d.]+)(%?))?\s*\)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : m[5] ? m[4] / 100 : Number(m[4])].map((v) => Math.min(1, Math.max(0, v)));
  throw new Error(`a colour this test cannot read: ${s}`);
}

/** `top` (with its alpha times `alpha`) painted over the opaque `under`. */
function over(under, top, alpha = 1) {
  const a = top[3] * alpha;
  return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
}

/** Layers ({ colour, alpha }) painted bottom first onto black (the bottom one is opaque in practice). */
function composite(layers) {
  return layers.reduce((under, l) => over(under, parseColour(l.colour), l.alpha ?? 1), [0, 0, 0, 1]);
}

function luminance([r, g, b]) {
  const lin = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');

// ---- The workbench and its webviews.

/**
 * The visible webview in `part` whose page has `selector` (support.mjs webviewIn), and, given
 * `colours`, has taken the theme's (VS Code posts a theme change to a page as a message).
 */
function webviewWith(page, part, selector, colours) {
  const accept = colours && (async (view) => {
    const own = await view.locator('html').evaluate((e, vars) => vars.map((v) => getComputedStyle(e).getPropertyValue(v).trim()), FINGERPRINT).catch(() => []);
    return JSON.stringify(own) === JSON.stringify(colours);
  });
  return webviewIn(page, part, { has: selector, accept });
}

/**
 * What lies behind a webview's page, bottom first: the workbench's backgrounds under the outer
 * iframe, then the outer (host) document's under iframe#active-frame. The page's body is
 * transparent: this is the background a reader sees the page on.
 */
async function backdrop(page, name) {
  const stack = (frame) => {
    const r = frame.getBoundingClientRect();
    const els = document.elementsFromPoint(r.left + Math.min(4, r.width / 2), r.top + Math.min(4, r.height / 2));
    if (!els.includes(frame)) els.unshift(frame);
    return els.reverse().map((e) => ({ colour: getComputedStyle(e).backgroundColor, alpha: Number(getComputedStyle(e).opacity) }));
  };
  const outer = await page.locator(`iframe[name="${name}"]`).evaluate(stack);
  const inner = await page.frameLocator(`iframe[name="${name}"]`).locator('iframe#active-frame').evaluate(stack);
  return [...outer, ...inner];
}

/**
 * Runs in the page: for each element of `selector` (or of every selector of a list), its text,
 * its text colour and opacity (down the chain of ancestors), and the backgrounds from <html>
 * down to it. SVG texts take their `fill` and the chart's background rect (.bg) as a layer.
 */
function readTexts(root, selectors) {
  const chainOf = (e) => {
    const out = [];
    let opacity = 1;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const cs = getComputedStyle(n);
      opacity *= Number(cs.opacity);
      out.unshift({ colour: cs.backgroundColor });
    }
    return { layers: out, opacity };
  };
  const res = [];
  for (const selector of selectors) {
    for (const e of document.querySelectorAll(selector)) {
      const text = e.textContent.trim();
      if (!text) continue;
      const cs = getComputedStyle(e);
      const { layers, opacity } = chainOf(e);
      let colour = cs.color;
      let alpha = opacity;
      if (e instanceof SVGElement) {
        colour = cs.fill;
        alpha *= Number(cs.fillOpacity);
        const bg = e.ownerSVGElement?.querySelector('.bg');
        if (bg) {
          const bcs = getComputedStyle(bg);
          layers.push({ colour: bcs.fill, alpha: Number(bcs.fillOpacity) * Number(bcs.opacity) });
        }
      }
      const td = e.closest('td');
      res.push({
        selector, text: text.slice(0, 40), colour, alpha, layers,
        step: td ? [...td.classList].find((c) => /^h\d+$/.test(c)) ?? '' : '',
        heat: !!td?.classList.contains('heat'),
        row: e.closest('tr')?.querySelector('th')?.textContent.replace(/^[▸▾]?\s*/, ''),
        column: e.dataset?.column,
        // The cell's mark in high contrast: its outline, and its border (which may hide it).
        outline: td && (({ outlineStyle, outlineWidth, outlineOffset, outlineColor, borderTopWidth }) => ({ style: outlineStyle, width: parseFloat(outlineWidth) || 0, offset: parseFloat(outlineOffset) || 0, colour: outlineColor, border: parseFloat(borderTopWidth) || 0 }))(getComputedStyle(td)),
      });
    }
  }
  return res;
}

/** The texts of `selectors` in a page, each with its contrast against its effective background. */
async function measure(ctx, found, selectors) {
  const under = await backdrop(ctx.page, found.name);
  const items = await found.view.locator('body').evaluate(readTexts, selectors);
  return items.map((t) => {
    const bg = composite([...under, ...t.layers]);
    const fg = over(bg, parseColour(t.colour), t.alpha);
    return { ...t, bg, fg, ratio: contrast(fg, bg) };
  });
}

const describeItem = (t) => `${t.selector} "${t.text}"${t.step ? ` (${t.step})` : ''}: ${hex(t.fg)} on ${hex(t.bg)} = ${t.ratio.toFixed(2)}:1`;

/** Asserts every text meets `min`, naming the ones that do not; returns the lowest, described. */
function assertReadable(items, min, what) {
  assert.ok(items.length, `${what}: texts to measure`);
  const poor = items.filter((t) => t.ratio < min);
  assert.deepEqual(poor.map(describeItem), [], `${what}: text below ${min}:1`);
  return describeItem(items.reduce((a, b) => (b.ratio < a.ratio ? b : a)));
}

/**
 * The workbench in a theme, picked as a user does with Preferences: Color Theme (the picker
 * writes the user setting; VS Code does not watch a settings file written behind its back in
 * this set-up), then repainted: its class and, per view, the webview body's (see the callers).
 */
async function setTheme(ctx, theme) {
  const { page } = ctx;
  await runCommand(page, 'Preferences: Color Theme');
  // The theme picker's own box (not the command palette's, which it replaces).
  const input = page.locator('.quick-input-widget input[placeholder*="Theme"]');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(theme.label);
  const option = page.locator('.quick-input-list [role="option"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(theme.label)}\\s*$`) }) });
  await option.first().click();
  await page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ state: 'attached', timeout: 15_000 });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  // That theme and no other of its kind (Light Modern and Light 2026 are both "vs"): the user
  // setting names it (the default theme is no setting).
  const file = path.join(ctx.runDir, 'user-data/User/settings.json');
  const setting = () => { try { return JSON.parse(fs.readFileSync(file, 'utf8'))['workbench.colorTheme']; } catch { return null; } };
  const named = (v) => v === theme.id || (theme.isDefault && v === undefined);
  for (let i = 0; i < 100 && !named(setting()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(named(setting()), `the user setting names the theme picked (${theme.id}): ${setting()}`);
  return page.locator('.monaco-workbench').evaluate((e, vars) => vars.map((v) => getComputedStyle(e).getPropertyValue(v).trim()), FINGERPRINT);
}

const MATRIX = '#out table:not([aria-busy]) td.h10';
const SEGMENTS = '#out li .text';
const CHART = '#chart svg text';

describe('the analysis views in light, dark and high-contrast themes', function () {
  this.timeout(120_000);
  let ctx;
  const lowest = {};

  before(async function () {
    ctx = await startWorkbench('e2e-themes');
    await ctx.page.setViewportSize({ width: 1400, height: 860 });
    await ctx.page.goto(ctx.started.url);
    await ctx.page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]').waitFor({ timeout: 60_000 });
    // The matrix of groups by role, a click on a cell for the Coded Segments view, then Charts
    // in a tab of its own beside the matrix's.
    await runCommand(ctx.page, 'Thesis QDA: Show Framework Matrix');
    const { view } = await webviewWith(ctx.page, '.part.editor', '#sel-rows');
    await choose(view, 'sel-rows', 'groups');
    await choose(view, 'sel-cols', 'role');
    await view.locator('thead th', { hasText: /^rådgiver$/ }).waitFor({ timeout: 15_000 });
    await view.locator(MATRIX).first().waitFor({ timeout: 15_000 });
    await view.locator('td.heat:not(.total) button[data-column="rådgiver"]').first().click();
    await webviewWith(ctx.page, '.part.sidebar', SEGMENTS);
    await runCommand(ctx.page, 'Thesis QDA: Show Charts');
    await webviewWith(ctx.page, '.part.editor', CHART);
  });

  after(async function () {
    for (const [theme, views] of Object.entries(lowest)) {
      console.log(`      [e2e] ${theme}, lowest contrast:\n${Object.entries(views).map(([k, v]) => `        ${k}: ${v}`).join('\n')}`);
    }
    await stopWorkbench(this, ctx ?? {});
  });

  for (const theme of THEMES) {
    it(`${theme.id}: matrix cells, headers, segments and chart labels meet 4.5:1`, async function () {
      const colours = await setTheme(ctx, theme);
      const kind = `body[data-vscode-theme-kind="${theme.body}"]`;
      const low = (lowest[theme.id] = {});

      // Charts, then the matrix.
      await ctx.page.locator('.part.editor .tab[aria-label^="Charts"]').click();
      const chart = await webviewWith(ctx.page, '.part.editor', `${kind} ${CHART}`, colours);
      low.chart = assertReadable(await measure(ctx, chart, [CHART]), MIN_TEXT, `${theme.id}, chart texts`);

      await ctx.page.locator('.part.editor .tab[aria-label^="Framework Matrix"]').click();
      const matrix = await webviewWith(ctx.page, '.part.editor', `${kind} ${MATRIX}`, colours);
      const cells = await measure(ctx, matrix, ['#out td button']);
      const heat = cells.filter((c) => c.heat);
      const steps = new Set(heat.map((c) => c.step).filter(Boolean));
      assert.ok(steps.has('h10') && steps.size >= 3, `shading in several steps up to the darkest (${[...steps]})`);
      low.heatCells = assertReadable(heat, MIN_TEXT, `${theme.id}, heat-shaded cells`);
      const heads = await measure(ctx, matrix, ['#out thead th', '#out th[scope=row]']);
      low.headers = assertReadable(heads, MIN_TEXT, `${theme.id}, matrix header and row names`);

      // A heat cell against an empty one: another background, or an outline a reader sees.
      const empty = cells.find((c) => !c.heat);
      assert.ok(empty, 'the demo matrix has an empty cell');
      const told = [];
      for (const step of [...steps].sort((a, b) => a.slice(1) - b.slice(1))) {
        const c = heat.find((h) => h.step === step);
        const differs = Math.max(...[0, 1, 2].map((i) => Math.abs(c.bg[i] - empty.bg[i]))) * 255;
        // An outline counts when it is drawn inside the cell's border (over it, it is lost in it).
        const o = c.outline;
        const outline = o.style !== 'none' && o.width >= 1 && o.offset + o.width <= -o.border ? contrast(over(c.bg, parseColour(o.colour)), c.bg) : 0;
        told.push(`${step} ${hex(c.bg)} (${Math.round(differs)}/255 apart${outline ? `, outline ${outline.toFixed(2)}:1` : ''})`);
        assert.ok(differs >= 8 || outline >= MIN_NON_TEXT, `${theme.id}: ${step} (${hex(c.bg)}) is told from an empty cell (${hex(empty.bg)}): background apart by ${differs.toFixed(1)}/255, outline ${outline.toFixed(2)}:1`);
      }
      low.steps = `empty ${hex(empty.bg)}; ${told.join(', ')}`;
      await shotOf(ctx.page, matrix.view, `matrix-${theme.slug}.png`, { docs: theme.docs ?? null });

      // The Coded Segments view in the side bar.
      const segments = await webviewWith(ctx.page, '.part.sidebar', `${kind} ${SEGMENTS}`, colours);
      low.segments = assertReadable(await measure(ctx, segments, ['#out li .text', '#out li .meta', '#out li .meta .who', '#out li .where']), MIN_TEXT, `${theme.id}, coded segments`);
    });
  }
});
