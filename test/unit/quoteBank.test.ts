// The quote bank lists a passage once per code, naming every coder who coded it.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/core/nodeFs';
import { Project } from '../../server/src/core/project';
import { quoteBank, quoteBankMarkdown } from '../../server/src/core/quoteBank';

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
});
