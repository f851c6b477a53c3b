// The quote bank lists a passage once per code, naming every coder who coded it.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { quoteBank, quoteBankMarkdown } from '../../server/src/core/export/quoteBank';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../server/src/cli';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

describe('quote bank', () => {
  it('lists a passage both coders coded with one code once, naming both coders (the demo has 18 such passages)', async () => {
    const project = new Project(new NodeFileSystem(DEMO), 'anna');
    await project.load();
    const groups = quoteBank(project);
    let shared = 0;
    for (const g of groups) {
      const keys = g.segments.map((s) => `${s.doc}:${s.line}:${s.text}`);
      assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], `${g.path.join(' › ')} lists a passage twice`);
      for (const s of g.segments) {
        assert.equal(s.ids.length, s.coder.split(', ').length, `${s.ids.join(', ')}: one coding per coder named`);
        if (s.ids.length > 1) shared++;
      }
    }
    assert.equal(shared, 18);
    const { text, segments } = quoteBankMarkdown(project);
    const codings = project.allCodings().filter((i) => i.anchored).length;
    assert.ok(segments < codings, `${segments} segments for ${codings} anchored codings`);
    assert.match(text, /kodet av anna, bjorn · \w+, \w+<\/small>/);
  });

  it('every CLI export reports one line of the same kind: "Wrote PATH (…)." on stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qda-exports-'));
    try {
      const lines: string[] = [];
      const io = { stdout: () => undefined, stderr: (s: string) => void lines.push(s), cwd: dir };
      for (const [format, file] of [['quotes-md', 'bank.md'], ['quotes-docx', 'bank.docx'], ['codebook-md', 'kb.md'], ['codebook-docx', 'kb.docx'], ['csv', 'kb.csv']]) {
        assert.equal(await main(['export', format, DEMO, '--out', file], io), 0, lines.join(''));
      }
      assert.equal(lines.length, 5, lines.join(''));
      for (const [i, file] of ['bank.md', 'bank.docx', 'kb.md', 'kb.docx', 'kb.csv'].entries()) {
        assert.match(lines[i], new RegExp(`^Wrote ${file.replace('.', '\\.')} \\(\\d+ (coded segments|codes, \\d+ categories)\\)\\.\\n$`), lines[i]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
