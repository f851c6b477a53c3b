// The Informants view (qda.informants): each informant with its attributes from qda.yaml and its
// counts (transcripts, turns, words, codings), fed by the server (qda/informants). Attributes
// are added and edited from the view; the server returns an edit of qda.yaml that keeps its
// comments (qda/setInformantAttribute), applied here so Undo works.
import * as vscode from 'vscode';
import { informantsRequest, setInformantAttributeRequest, type InformantItem, type InformantsResult } from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import { applyServerEdit, changesFiles } from './serverEdits';

export type InformantElement =
  | { kind: 'informant'; item: InformantItem }
  | { kind: 'attribute'; informant: string; key: string; value: string }
  | { kind: 'transcript'; informant: string; path: string; uri: string };

/** Scripted use of the attribute commands (tests): no dialogs. */
export interface AttributeArgs {
  informant: string;
  attribute: string;
  value: string;
}

export class InformantsProvider implements vscode.TreeDataProvider<InformantElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<InformantElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private data: Promise<InformantsResult | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: QdaConnection) {
    // Counts follow every change of transcripts, codings and qda.yaml.
    this.subscription = connection.onIndexChanged(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), 200);
    });
  }

  refresh(): void {
    this.data = undefined;
    this.changed.fire(undefined);
  }

  /** The server's list (cached until the index changes). */
  load(): Promise<InformantsResult | undefined> {
    if (!this.connection.hasProject) return Promise.resolve(undefined);
    this.data ??= this.connection.request(informantsRequest, {}).then(
      (r) => {
        void vscode.commands.executeCommand('setContext', 'qda.informantsEmpty', r.informants.length === 0);
        return r;
      },
      (err: unknown) => {
        this.connection.output.appendLine(vscode.l10n.t('Could not list the informants: {0}', err instanceof Error ? err.message : String(err)));
        this.data = undefined;
        return undefined;
      },
    );
    return this.data;
  }

  async getChildren(element?: InformantElement): Promise<InformantElement[]> {
    const data = await this.load();
    if (!data) return [];
    if (!element) return data.informants.map((item) => ({ kind: 'informant', item }));
    if (element.kind !== 'informant') return [];
    const i = element.item;
    return [
      ...Object.entries(i.attributes).map(([key, value]): InformantElement => ({ kind: 'attribute', informant: i.code, key, value })),
      ...i.transcripts.map((t): InformantElement => ({ kind: 'transcript', informant: i.code, path: t.path, uri: t.uri })),
    ];
  }

  getTreeItem(element: InformantElement): vscode.TreeItem {
    switch (element.kind) {
      case 'informant': {
        const i = element.item;
        const hasChildren = Object.keys(i.attributes).length + i.transcripts.length > 0;
        const item = new vscode.TreeItem(i.code, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `informant:${i.code}`;
        item.description = vscode.l10n.t('{0} transcripts · {1} turns · {2} words · {3} codings', i.transcripts.length, i.turns, i.words.toLocaleString(vscode.env.language), i.codings);
        // The code and attributes are the user's text: appended as text, never as Markdown.
        const md = new vscode.MarkdownString();
        md.appendMarkdown('**').appendText(i.code).appendMarkdown('**\n\n');
        const attrs = Object.entries(i.attributes);
        for (const [k, v] of attrs) md.appendMarkdown('- ').appendText(`${k}: ${v}`).appendMarkdown('\n');
        if (attrs.length === 0) md.appendText(vscode.l10n.t('No attributes in qda.yaml yet.'));
        if (!i.inConfig) md.appendMarkdown(`\n\n${vscode.l10n.t('Not listed under informants: in qda.yaml.')}`);
        item.tooltip = md;
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = 'qda.informant';
        return item;
      }
      case 'attribute': {
        const item = new vscode.TreeItem(element.key, vscode.TreeItemCollapsibleState.None);
        item.id = `attribute:${element.informant}:${element.key}`;
        item.description = element.value;
        item.tooltip = `${element.informant}: ${element.key} = ${element.value}`;
        item.iconPath = new vscode.ThemeIcon('symbol-property');
        item.contextValue = 'qda.informantAttribute';
        return item;
      }
      case 'transcript': {
        const item = new vscode.TreeItem(element.path.split('/').pop() ?? element.path, vscode.TreeItemCollapsibleState.None);
        item.id = `transcript:${element.informant}:${element.path}`;
        item.description = element.path.includes('/') ? element.path.slice(0, element.path.lastIndexOf('/')) : undefined;
        item.resourceUri = vscode.Uri.parse(element.uri);
        item.iconPath = new vscode.ThemeIcon('file-text');
        item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Transcript'), arguments: [vscode.Uri.parse(element.uri)] };
        item.contextValue = 'qda.informantTranscript';
        return item;
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function isAttributeArgs(a: unknown): a is AttributeArgs {
  return !!a && typeof a === 'object' && typeof (a as AttributeArgs).informant === 'string' && typeof (a as AttributeArgs).attribute === 'string' && typeof (a as AttributeArgs).value === 'string';
}

export function registerInformantsView(context: vscode.ExtensionContext, connection: QdaConnection): InformantsProvider {
  const provider = new InformantsProvider(connection);
  const view = vscode.window.createTreeView('qda.informants', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);

  const writable = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(vscode.l10n.t('Editing informants is turned off in Restricted Mode. Trust this folder to change qda.yaml.'));
    return false;
  };

  async function setAttribute(informant: string, attribute: string, value: string): Promise<boolean> {
    const result = await connection.request(setInformantAttributeRequest, { informant, attribute, value });
    if (!changesFiles(result) && !result.error) return false; // nothing changed
    const applied = await applyServerEdit(connection, result);
    if (applied && result.message) vscode.window.setStatusBarMessage(result.message, 5000);
    return applied;
  }

  async function pickInformant(): Promise<string | undefined> {
    const data = await provider.load();
    const picked = await vscode.window.showQuickPick(
      (data?.informants ?? []).map((i) => ({ label: i.code, description: Object.entries(i.attributes).map(([k, v]) => `${k}: ${v}`).join(', ') })),
      { title: vscode.l10n.t('Add Informant Attribute'), placeHolder: vscode.l10n.t('Which informant?') },
    );
    return picked?.label;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('qda.informantsRefresh', () => provider.refresh()),

    vscode.commands.registerCommand('qda.informantAttributeAdd', async (arg?: InformantElement | AttributeArgs): Promise<boolean> => {
      if (!writable()) return false;
      if (isAttributeArgs(arg)) return setAttribute(arg.informant, arg.attribute, arg.value);
      const informant = arg && 'kind' in arg ? (arg.kind === 'informant' ? arg.item.code : arg.informant) : await pickInformant();
      if (!informant) return false;
      const data = await provider.load();
      const current = data?.informants.find((i) => i.code === informant)?.attributes ?? {};
      const names = (data?.attributeNames ?? []).filter((n) => !(n in current));
      // Attribute names in use elsewhere first, so informants stay comparable; or a new one.
      const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
      pick.title = vscode.l10n.t('Add Attribute to {0}', informant);
      pick.placeholder = vscode.l10n.t('Attribute name (for example role, office, age group), or type a new one');
      const base = names.map((n) => ({ label: n, description: vscode.l10n.t('used by other informants') }));
      pick.items = base;
      pick.onDidChangeValue((v) => {
        const t = v.trim();
        pick.items = t && !names.includes(t) ? [{ label: t, description: vscode.l10n.t('new attribute') }, ...base] : base;
      });
      const attribute = await new Promise<string | undefined>((resolve) => {
        pick.onDidAccept(() => resolve((pick.selectedItems[0] ?? pick.activeItems[0])?.label));
        pick.onDidHide(() => resolve(undefined));
        pick.show();
      });
      pick.dispose();
      if (!attribute) return false;
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('{0}: {1}', informant, attribute),
        prompt: vscode.l10n.t('Value of "{0}" for {1} (saved in qda.yaml)', attribute, informant),
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Type a value.') : undefined),
      });
      if (value === undefined) return false;
      return setAttribute(informant, attribute, value);
    }),

    vscode.commands.registerCommand('qda.informantAttributeEdit', async (arg?: InformantElement | AttributeArgs): Promise<boolean> => {
      if (!writable()) return false;
      if (isAttributeArgs(arg)) return setAttribute(arg.informant, arg.attribute, arg.value);
      if (!arg || !('kind' in arg) || arg.kind !== 'attribute') return false;
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('{0}: {1}', arg.informant, arg.key),
        value: arg.value,
        prompt: vscode.l10n.t('New value of "{0}" for {1}; leave it empty to remove the attribute.', arg.key, arg.informant),
      });
      if (value === undefined) return false;
      return setAttribute(arg.informant, arg.key, value);
    }),
  );
  return provider;
}
