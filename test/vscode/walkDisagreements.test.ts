// Issue 18.3/18.5 in a real VS Code: Next and Previous in the Compare Coders view walk every
// disagreement of the demo across page boundaries of the list (two places a page). A file of its
// own that runs last: the walk opens every transcript, and earlier suites (fileRenames) look for
// a transcript that no editor has had open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { qda } from './helpers';
import { DISAGREEMENTS_PAGE_MAX, type DisagreementInfo } from '../../server/src/protocol';

describe('Compare Coders: Next and Previous across pages in a real VS Code', function () {
  this.timeout(180_000);

  it('Next and Previous walk every disagreement in the order of the list, across page boundaries, and wrap around', async function () {
    const api = await qda();
    const provider = api.compareCoders;
    // Two places a page, so that the walk crosses many pages of the list.
    provider.pageSize = 2;
    const tabUris = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : '')).filter((u) => u);
    const openBefore = new Set(tabUris());
    try {
      const total = await vscode.commands.executeCommand<number>('qda.compareCoders', 'anna', 'bjorn');
      assert.ok(total > 4, `more disagreements than two pages (got ${total})`);
      // The list as the view shows it: each code's places, the rest loaded with "… more" (again
      // if the view was refreshed meanwhile, so that the list is one answer's).
      const listed = new Map<string, DisagreementInfo[]>();
      /** Every code's places as one answer of the server has them, or false when the view was refreshed meanwhile. */
      const list = async (): Promise<boolean> => {
        const shown = provider.result;
        listed.clear();
        for (const node of provider.getChildren()) {
          if (node.kind !== 'code') continue;
          let children = await provider.getChildren(node);
          if (provider.result !== shown) return false;
          const onFirstPage = shown!.total <= shown!.items.length;
          assert.equal(provider.getTreeItem(node).collapsibleState, onFirstPage ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed, 'codes start collapsed unless the first page holds every place');
          while (children[children.length - 1]?.kind === 'more') {
            const more = children[children.length - 1];
            const loaded = await vscode.commands.executeCommand<number>(provider.getTreeItem(more).command!.command, ...provider.getTreeItem(more).command!.arguments!);
            if (provider.result !== shown) return false;
            assert.equal(loaded, Math.min(node.count, children.length - 1 + 2));
            children = await provider.getChildren(node);
            if (provider.result !== shown) return false;
          }
          const items = children.map((c) => (c.kind === 'item' ? c.item : undefined)).filter((i): i is DisagreementInfo => !!i);
          assert.equal(items.length, node.count, `every place of ${node.code} is listed`);
          listed.set(node.code, items);
        }
        return provider.result === shown;
      };
      while (!(await list()));
      // The walk's order: code by code as the server orders them (its codes' first positions).
      const order = [...provider.result!.codes].sort((x, y) => x.first - y.first).flatMap((c) => listed.get(c.code)!);
      assert.equal(order.length, total);

      const walked: string[] = [];
      for (let i = 0; i < total; i++) {
        const key = await vscode.commands.executeCommand<string>('qda.compareNext');
        walked.push(key);
        const editor = vscode.window.activeTextEditor!;
        const item = order[i];
        assert.equal(editor.document.uri.toString(), vscode.Uri.parse(item.uri).toString(), `place ${i + 1}: its transcript is shown`);
        assert.equal(editor.document.getText(editor.selection), item.text, `place ${i + 1}: it is selected`);
        assert.equal(provider.current, i);
      }
      assert.deepEqual(walked, order.map((i) => i.key), 'Next visits every listed place once, in the order of the list');
      assert.equal(await vscode.commands.executeCommand<string>('qda.compareNext'), order[0].key, 'Next after the last is the first');
      const back: string[] = [];
      for (let i = 0; i < total; i++) back.push(await vscode.commands.executeCommand<string>('qda.comparePrevious'));
      assert.deepEqual(back, [...order.slice(1).map((i) => i.key)].reverse().concat(order[0].key), 'Previous walks back through the same order, wrapping at the first');
    } finally {
      provider.pageSize = DISAGREEMENTS_PAGE_MAX;
      // The transcripts the walk opened are closed again (later suites look for ones not open).
      const opened = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && !openBefore.has(t.input.uri.toString()));
      await vscode.window.tabGroups.close(opened);
    }
  });

});
