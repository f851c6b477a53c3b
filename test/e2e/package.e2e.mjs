// Packaging (issue 8.4): `npm run package`'s script makes a .vsix that holds only what the
// installed extension needs, is small, installs into a real VS Code (code-server
// --install-extension) and activates there: the Thesis QDA view shows the demo's codebook.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import {
  ROOT, runCodeServerCli, startCodeServer, launchChromium, workbenchUrl,
} from '../../scripts/vscode-lib.mjs';
import { freshProject, codebookCodes, treeRow, expandPath } from './support.mjs';

const MAX_BYTES = 3 * 1024 * 1024;
// What may ship: the bundles, grammars, translations, icons, the manifest with its
// translations, and the three documents the Marketplace shows. vsce adds its own manifest
// files at the top and stores LICENSE as LICENSE.txt.
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/dist\/[^/]+\.js$/,
  /^extension\/syntaxes\//,
  /^extension\/l10n\/[^/]+\.json$/,
  /^extension\/media\//,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/(readme\.md|changelog\.md|license(\.txt)?)$/i, // vsce lower-cases some of them
];

describe('the .vsix package', function () {
  this.timeout(180_000);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  let runDir, folder, vsix, entries, server, browser;

  before(function () {
    ({ runDir, folder } = freshProject('package'));
    vsix = path.join(runDir, `${pkg.name}-${pkg.version}.vsix`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), `--out=${vsix}`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `scripts/package.mjs failed:\n${r.stdout}${r.stderr}`);
    entries = [];
    unzipSync(fs.readFileSync(vsix), { filter: (f) => { entries.push(f.name); return false; } });
  });

  after(async function () {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (this.test?.parent?.tests.every((t) => t.state === 'passed')) fs.rmSync(runDir, { recursive: true, force: true });
    else if (runDir) console.log(`      [package] run folder kept: ${runDir}`);
  });

  it('holds only dist/, syntaxes/, l10n/, media/, package.json, README, LICENSE and CHANGELOG', function () {
    const stray = entries.filter((e) => !ALLOWED.some((re) => re.test(e)));
    assert.deepEqual(stray, [], `files that should not ship: ${stray.join(', ')}`);
    for (const must of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', `extension/${pkg.icon}`]) {
      assert.ok(entries.includes(must), `${must} is missing from the .vsix (entries: ${entries.join(', ')})`);
    }
    for (const doc of ['readme.md', 'changelog.md', 'license']) {
      assert.ok(entries.some((e) => e.toLowerCase().startsWith(`extension/${doc}`)), `${doc} is missing from the .vsix`);
    }
    assert.ok(!entries.some((e) => e.endsWith('.map') || e.includes('/src/') || e.includes('node_modules')), 'sources, maps or node_modules shipped');
    console.log(`      [package] ${entries.length} entries, ${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB`);
  });

  it('is smaller than 3 MB', function () {
    const size = fs.statSync(vsix).size;
    assert.ok(size < MAX_BYTES, `${path.basename(vsix)} is ${(size / 1024 / 1024).toFixed(2)} MB`);
  });

  it('installs into code-server with --install-extension', async function () {
    const out = await runCodeServerCli(runDir, ['--install-extension', vsix, '--force']);
    assert.match(out, /was successfully installed/);
    const installed = path.join(runDir, 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`);
    assert.ok(fs.existsSync(path.join(installed, 'dist/extension.js')), `${installed} has no dist/extension.js`);
  });

  it('activates there: the Thesis QDA view shows the codebook of the opened project', async function () {
    server = await startCodeServer(runDir, { folder }); // no development path: only the installed .vsix
    ({ context: browser } = await launchChromium(runDir));
    const page = browser.pages()[0];
    await page.goto(workbenchUrl(server.url, folder));
    const container = page.locator('.part.activitybar a.action-label[aria-label^="Thesis QDA"]');
    await container.waitFor({ timeout: 60_000 });
    await container.click();
    const code = codebookCodes(folder)[0];
    await expandPath(page, code.path);
    await treeRow(page, code.name).waitFor({ timeout: 30_000 });
  });
});
