// Loaded by VS Code's extension host through --extensionTestsPath: run() is awaited and its
// outcome becomes the extension host's exit code, which scripts/run-vscode-tests.mjs reports.
// The suites are bundled next to this file as *.test.js; mocha itself is loaded from the
// project's node_modules (the extension host runs on this machine).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The harness passes QDA_TEST_RESULT_FILE in the extensionEnvironment payload: the counts
      // for its closing "N passed, N failed" line.
      const out = process.env.QDA_TEST_RESULT_FILE;
      if (out) {
        const s = runner.stats;
        fs.writeFileSync(out, JSON.stringify({ passes: s?.passes ?? 0, failures, pending: s?.pending ?? 0 }));
      }
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
