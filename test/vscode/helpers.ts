// Helpers for suites that run inside the real extension host (see index.ts). Every suite works
// on the temporary copy of the demo thesis that scripts/run-vscode-tests.mjs opened.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
// A type only, erased from the test bundle: the tests never load the extension's code themselves.
import type { QdaTestApi } from '../../client/src/extension';

export const EXTENSION_ID = 'thesis-qda.thesis-qda';

/** What activate() returns: the contract between the extension and these tests. */
export type { QdaTestApi };

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

let api: QdaTestApi | undefined;
/** Activates the extension (if VS Code has not already) and waits until the server indexed the folder. */
export async function qda(): Promise<QdaTestApi> {
  if (api) return api;
  const ext = vscode.extensions.getExtension<QdaTestApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')})`);
  const exports = await ext.activate();
  assert.ok(exports && typeof exports === 'object', 'activate() returned no test API');
  await withTimeout(exports.ready, 30_000, 'the language server did not report the folder indexed (api.ready)');
  api = exports;
  return api;
}

export async function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(p), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` until it returns a value that is not undefined, or fails after `ms` with the
 * last value described: the extension reacts asynchronously (server round trips, file watchers).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}` + (lastError ? `: ${String(lastError)}` : ''));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

/** Every line of every codings file on disk, parsed (malformed lines are kept as undefined). */
export interface CodingLine {
  id: string; doc: string; start: number; end: number; code: string; exact: string; coder?: string;
}
export function readCodings(root = workspaceRoot()): CodingLine[] {
  const dir = path.join(root, '.qda/codings');
  if (!fs.existsSync(dir)) return [];
  const out: CodingLine[] = [];
  // Both layouts: .qda/codings/<coder>.jsonl and .qda/codings/<coder>/<transcript>.jsonl.
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try { out.push(JSON.parse(line) as CodingLine); } catch { /* malformed lines are another suite's business */ }
    }
  }
  return out;
}

export interface TreeNode { element: unknown; item: vscode.TreeItem; label: string; depth: number }

/** Walks the tree through its data provider, as the tree view does, down to maxDepth. */
export async function walkTree(tree: vscode.TreeDataProvider<unknown>, maxDepth = 3): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  const visit = async (parent: unknown, depth: number): Promise<void> => {
    const children = (await tree.getChildren(parent as never)) ?? [];
    for (const element of children) {
      const item = await tree.getTreeItem(element as never);
      out.push({ element, item, label: labelOf(item), depth });
      if (depth + 1 < maxDepth && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) {
        await visit(element, depth + 1);
      }
    }
  };
  await visit(undefined, 0);
  return out;
}

/** The tree node of a code: its label is the code's name (possibly followed by a count). */
export async function findCodeNode(tree: vscode.TreeDataProvider<unknown>, code: string): Promise<TreeNode | undefined> {
  const nodes = await walkTree(tree, 4);
  return nodes.find((n) => n.label === code) ?? nodes.find((n) => n.label.startsWith(code + ' '));
}

/** The number of codings the tree shows for a code: the first number in its description (or label suffix). */
export function shownCount(node: TreeNode): number {
  const d = typeof node.item.description === 'string' ? node.item.description : '';
  const m = d.match(/\d+/) ?? node.label.slice(node.label.indexOf(' ')).match(/\d+/);
  assert.ok(m, `the tree item of "${node.label}" shows no count (description: ${JSON.stringify(node.item.description)})`);
  return Number(m[0]);
}

/** Text of hovers as a user would read it. */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** The codebook's code names in document order: list items starting with bold text. */
export function codebookCodes(root = workspaceRoot()): string[] {
  const text = fs.readFileSync(path.join(root, 'codebook.md'), 'utf8');
  return [...text.matchAll(/^\s*[-*+]\s+\*\*(.+?)\*\*/gm)].map((m) => m[1].trim());
}

/** The codebook's top-level categories (level-2 headings). */
export function codebookCategories(root = workspaceRoot()): string[] {
  const text = fs.readFileSync(path.join(root, 'codebook.md'), 'utf8');
  return [...text.matchAll(/^##\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]);
}

/** Transcript files of the project, relative to the root, sorted. */
export function transcripts(root = workspaceRoot()): string[] {
  const dir = path.join(root, 'transcripts');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => `transcripts/${f}`);
}

/** Speaker labels qda.yaml names as interviewers (their turns are not informants' words). */
export function interviewerLabels(root = workspaceRoot()): string[] {
  const file = path.join(root, 'qda.yaml');
  const m = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').match(/^interviewers:\s*\[(.*)\]/m) : null;
  return m ? m[1].split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')) : ['Intervjuer', 'Interviewer', 'I'];
}

/**
 * A passage of an informant's turn that no coding covers yet: a run of `words` words after the
 * `**Label:**` and an optional timestamp. Returns offsets into the document's text.
 */
export function uncodedPassage(text: string, doc: string, words = 5): { start: number; end: number; exact: string } {
  const coded = readCodings().filter((c) => c.doc === doc);
  const interviewers = new Set(interviewerLabels().map((l) => l.toLowerCase()));
  const turn = /^\*\*([^*]+):\*\*\s*(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?(.+)$/gm;
  for (const m of text.matchAll(turn)) {
    if (interviewers.has(m[1].trim().toLowerCase())) continue;
    const bodyStart = (m.index ?? 0) + m[0].length - m[2].length;
    const wordRe = /\S+/g;
    const ws = [...m[2].matchAll(wordRe)].slice(0, words);
    if (ws.length < words) continue;
    const start = bodyStart + (ws[0].index ?? 0);
    const last = ws[ws.length - 1];
    const end = bodyStart + (last.index ?? 0) + last[0].length;
    if (coded.some((c) => c.start < end && start < c.end)) continue;
    return { start, end, exact: text.slice(start, end) };
  }
  throw new Error(`${doc} has no uncoded informant turn of ${words} words`);
}

/**
 * Saves a document and waits until it is saved. TextDocument.save() resolves false when
 * VS Code's auto-save (files.autoSave) saves the same document at the same moment, although
 * the text reaches the disk: the condition is "not dirty", not the return value.
 */
export async function waitForSaved(doc: vscode.TextDocument, ms = 20_000): Promise<void> {
  await waitFor(`${path.basename(doc.uri.fsPath)} saved`, async () => ((await doc.save()) || !doc.isDirty ? true : undefined), ms);
}

/** Saves every open document and waits until none is dirty (see waitForSaved). */
export async function waitForAllSaved(ms = 20_000): Promise<void> {
  await waitFor('every open document saved', async () => ((await vscode.workspace.saveAll(false)) || vscode.workspace.textDocuments.every((d) => !d.isDirty) ? true : undefined), ms);
}
