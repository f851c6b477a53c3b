// package.json's contributions hang together: every command a menu, keybinding or walkthrough
// step names is contributed, and every walkthrough step's media file is shipped.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

describe('extension manifest', () => {
  it('menus and keybindings name only contributed commands', () => {
    const named: string[] = [];
    for (const entries of Object.values(pkg.contributes.menus) as Array<Array<{ command?: string }>>) for (const e of entries) if (e.command) named.push(e.command);
    for (const k of pkg.contributes.keybindings ?? []) named.push(k.command);
    assert.deepEqual(named.filter((c) => !contributed.has(c)), []);
  });

  it('has a Getting Started walkthrough: start a project, import, code, group, quote — each step with its command and shipped media', () => {
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.deepEqual(walkthrough.steps.map((s: { id: string }) => s.id), ['start', 'import', 'code', 'group', 'quote']);
    const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
    for (const step of walkthrough.steps) {
      const events: string[] = step.completionEvents;
      assert.ok(events.length > 0, step.id);
      for (const e of events) assert.ok(contributed.has(e.replace('onCommand:', '')), `${step.id}: ${e}`);
      const description: string = nls[step.description.slice(1, -1)];
      const linked = [...description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.equal(linked.length, 1, `${step.id} links one command`);
      assert.ok(contributed.has(linked[0]), linked[0]);
      assert.ok(existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
    }
  });
});
