// `qda matrix | head`: when the reader of the output goes away, the real CLI (dist/cli.js) stops
// quietly with its exit code, as Unix tools do, instead of printing an EPIPE stack trace.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve('dist/cli.js');
const DEMO = resolve('examples/demo-thesis');

/** Runs the CLI with its output's reader gone before it writes; → exit code and what it said on stderr. */
function withReaderGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end at once: the CLI reads the project first, so every write it makes finds
    // the pipe closed (the same as `| head` after its tenth line).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('qda when the reader of its output goes away (| head)', function () {
  this.timeout(60_000);

  it('matrix stops quietly with exit 0', async () => {
    const r = await withReaderGone(['matrix', '--cols', 'role', DEMO]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('check keeps its exit code and says nothing on stderr', async () => {
    const r = await withReaderGone(['check', DEMO]);
    assert.equal(r.stderr, '');
    // The demo has warnings and no errors: exit 0, as with a reader.
    assert.equal(r.code, 0);
  });

  it('check of a project with errors still exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qda-pipe-'));
    try {
      cpSync(DEMO, dir, { recursive: true });
      // The same code defined twice: an error (qda.duplicateCode).
      appendFileSync(join(dir, 'codebook.md'), '\n## Dobbel\n- **Dobbel kode**\n- **Dobbel kode**\n');
      const r = await withReaderGone(['check', dir]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
