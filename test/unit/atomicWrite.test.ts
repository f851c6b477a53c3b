// A write interrupted at any moment leaves either the old or the new file, never a torn one:
// a child process rewrites a codings file in a loop and is killed (SIGKILL) at random times.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const NODE_FS_BUNDLE = path.resolve(__dirname, '../../../out/test/unit/atomicWriter.js');

describe('atomic writes under crashes', function () {
  this.timeout(60000);

  it('never leaves a torn codings file when the writer is killed mid-write (20 kills)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-atomic-'));
    const target = path.join(dir, 'anna.jsonl');
    // Two versions of ~2 MB, each line a full coding: the writer alternates between them.
    const line = (v: string, i: number): string => JSON.stringify({ id: `${v}${i}`, doc: 'transcripts/t.md', start: i, end: i + 5, code: `Kode ${v}`, exact: 'x'.repeat(40), prefix: '', suffix: '', coder: 'anna', at: '2026-11-23T10:00:00Z' }) + '\n';
    const versions = ['a', 'b'].map((v) => Array.from({ length: 12000 }, (_, i) => line(v, i)).join(''));
    writeFileSync(target, versions[0]);
    writeFileSync(path.join(dir, 'a.txt'), versions[0]);
    writeFileSync(path.join(dir, 'b.txt'), versions[1]);
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let kill = 0; kill < 20; kill++) {
      const child = spawn(process.execPath, [NODE_FS_BUNDLE, target, path.join(dir, 'a.txt'), path.join(dir, 'b.txt')], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Wait for the child to start writing, then kill it after a random delay.
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, random() * 60));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const now = readFileSync(target, 'utf8');
      assert.ok(now === versions[0] || now === versions[1], `kill ${kill}: the file is torn (${now.length} chars)`);
    }
    // Leftover temp files are allowed (a crash can leave one) but the target is always whole.
    assert.ok(readdirSync(dir).includes('anna.jsonl'));
    rmSync(dir, { recursive: true, force: true });
  });
});
