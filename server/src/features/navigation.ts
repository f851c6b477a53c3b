// Codes, categories and notes by name — [[links]] in notes and chapters, the names in
// codebook.md, coded passages in transcripts: what is under the cursor, and hover, go to
// definition, find references, completion inside [[ ]], Ctrl+T and rename (F2) on them.
// A quote in a chapter under the cursor is the quotes domain's (features/quotes.ts).
import * as l10n from '../core/text/l10n';
import {
  CompletionItemKind,
  ErrorCodes,
  MarkupKind,
  ResponseError,
  SymbolKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type DefinitionParams,
  type Hover,
  type HoverParams,
  type Location,
  type Position,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { linkPrefixAt, type WikiLink } from '../core/parse/links';
import type { CodebookCategory, CodebookCode } from '../core/model/model';
import { truncate, type CodingInfo } from '../core/project/project';
import { basename, normalizeName, stripExtension } from '../core/text/text';
import { renameItem } from '../core/ops/codebookOps';
import { escapeMd, noteExcerpt } from '../hoverMarkdown';
import { quoteDefinition, quoteHover, quoteReferences, quotesOfCodeLocations } from './quotes';
import type { Operations } from '../operationReply';
import type { RenameReply } from '../protocol';

// What is under the cursor, shared by hover, definition, references and rename:
// a [[link]], a code or category name in the codebook, or coded passages in a transcript.

export type Located =
  | { kind: 'link'; path: string; link: WikiLink }
  | { kind: 'codeName'; path: string; code: CodebookCode }
  | { kind: 'categoryName'; path: string; category: CodebookCategory }
  | { kind: 'codedPassage'; path: string; codings: CodingInfo[] };

export function locate(ws: ServerWorkspace, uri: string, position: Position): Located | undefined {
  const path = ws.pathOf(uri);
  if (!path) return undefined;
  const project = ws.project;
  const offset = ws.toOffset(path, position);
  const note = project.noteOf(path);
  if (note) {
    const link = note.links.find((l) => l.range.start <= offset && offset <= l.range.end);
    if (link) return { kind: 'link', path, link };
  }
  if (path === project.codebook.path) {
    const code = project.codebook.codes.find((c) => c.nameRange.start <= offset && offset <= c.nameRange.end);
    if (code) return { kind: 'codeName', path, code };
    const category = project.codebook.categories.find((c) => c.nameRange.start <= offset && offset <= c.nameRange.end);
    if (category) return { kind: 'categoryName', path, category };
  }
  if (project.isTranscript(path)) {
    const codings = project.codingsOfDoc(path).filter((i) => i.anchored && i.coding.start <= offset && offset < i.coding.end);
    if (codings.length > 0) return { kind: 'codedPassage', path, codings };
  }
  return undefined;
}

export function hover(ws: ServerWorkspace, params: HoverParams): Hover | null {
  const at = locate(ws, params.textDocument.uri, params.position);
  if (!at) return quoteHover(ws, params.textDocument.uri, params.position) ?? null;
  const project = ws.project;
  let value: string;
  switch (at.kind) {
    case 'link': {
      const target = project.resolveLink(at.link.target);
      if (!target) value = l10n.t('{0} resolves to no code, category or note.', `**[[${escapeMd(at.link.target)}]]**`);
      else if (target.kind === 'code') value = codeHover(ws, target.code);
      else if (target.kind === 'category') value = categoryHover(ws, target.category);
      else value = `**${escapeMd(target.title ?? target.path)}** · ${escapeMd(target.path)}\n\n${noteExcerpt(project.textOf(target.path) ?? '')}`;
      return { contents: { kind: MarkupKind.Markdown, value }, range: ws.toRange(at.path, at.link.range) };
    }
    case 'codeName':
      return { contents: { kind: MarkupKind.Markdown, value: codeHover(ws, at.code) }, range: ws.toRange(at.path, at.code.nameRange) };
    case 'categoryName':
      return { contents: { kind: MarkupKind.Markdown, value: categoryHover(ws, at.category) }, range: ws.toRange(at.path, at.category.nameRange) };
    case 'codedPassage': {
      const parts = at.codings.map((i) => {
        const code = project.findCode(i.coding.code);
        const desc = code?.description ? ` — ${escapeMd(code.description)}` : code ? '' : ` — *${l10n.t('not in the codebook')}*`;
        const who = i.informants.length > 0 ? ` · ${escapeMd(i.informants.join(', '))}` : '';
        return `**${escapeMd(i.coding.code)}**${desc}\n\n${l10n.t('coded by {0}', escapeMd(i.coding.coder))}${who}`;
      });
      const first = at.codings[0].coding;
      const start = Math.max(...at.codings.map((i) => i.coding.start));
      const end = Math.min(...at.codings.map((i) => i.coding.end));
      return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: ws.toRange(at.path, start < end ? { start, end } : { start: first.start, end: first.end }) };
    }
  }
}

function codeHover(ws: ServerWorkspace, code: CodebookCode): string {
  const project = ws.project;
  const counts = project.countsOfCode(code.name);
  const lines = [`**${escapeMd(code.name)}**${code.categoryPath.length ? ` · ${escapeMd(code.categoryPath.join(' › '))}` : ''}`];
  if (code.description) lines.push(escapeMd(code.description));
  lines.push(l10n.t('{0} codings · {1} informants{2} · coders: {3}', counts.codings, counts.informants.length, counts.informants.length ? ` (${escapeMd(counts.informants.join(', '))})` : '', escapeMd(counts.coders.join(', ')) || '—'));
  const top = project.codingsOfCode(code.name).filter((i) => i.anchored).slice(0, 3);
  for (const i of top) lines.push(`> ${escapeMd(truncate(i.coding.exact, 160))} (${escapeMd(i.informants.join(', ') || i.coding.doc)})`);
  return lines.join('\n\n');
}

function categoryHover(ws: ServerWorkspace, category: CodebookCategory): string {
  const project = ws.project;
  const codes = project.codesInCategory(category);
  const codings = codes.reduce((n, c) => n + project.codingsOfCode(c.name).length, 0);
  const lines = [`**${escapeMd(category.name)}**${category.path.length > 1 ? ` · ${escapeMd(category.path.slice(0, -1).join(' › '))}` : ''}`];
  if (category.description) lines.push(escapeMd(category.description));
  lines.push(l10n.t('{0} codes · {1} codings', codes.length, codings));
  return lines.join('\n\n');
}

/** [[link]] → the code or category in codebook.md, or the note file. */
export function definition(ws: ServerWorkspace, params: DefinitionParams): Location | null {
  const at = locate(ws, params.textDocument.uri, params.position);
  if (!at || at.kind !== 'link') return quoteDefinition(ws, params.textDocument.uri, params.position) ?? null;
  const target = ws.project.resolveLink(at.link.target);
  if (!target) return null;
  const codebook = ws.project.codebook.path;
  if (target.kind === 'code') return { uri: ws.uriOf(codebook), range: ws.toRange(codebook, target.code.nameRange) };
  if (target.kind === 'category') return { uri: ws.uriOf(codebook), range: ws.toRange(codebook, target.category.nameRange) };
  return { uri: ws.uriOf(target.path), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/**
 * References of a code: its codings (at their transcript passages) and every [[link]] to it;
 * of a category or note: the links. The definition is included when the client asks.
 */
export function references(ws: ServerWorkspace, params: ReferenceParams): Location[] {
  const at = locate(ws, params.textDocument.uri, params.position);
  if (!at) return quoteReferences(ws, params.textDocument.uri, params.position) ?? [];
  const project = ws.project;
  let name: string | undefined;
  if (at.kind === 'link') name = at.link.target;
  else if (at.kind === 'codeName') name = at.code.name;
  else if (at.kind === 'categoryName') name = at.category.name;
  else if (at.kind === 'codedPassage' && at.codings.length === 1) name = at.codings[0].coding.code;
  if (!name) return [];
  const out: Location[] = [];
  const target = project.resolveLink(name);
  const codebook = project.codebook.path;
  if (params.context.includeDeclaration && target) {
    if (target.kind === 'code') out.push({ uri: ws.uriOf(codebook), range: ws.toRange(codebook, target.code.nameRange) });
    if (target.kind === 'category') out.push({ uri: ws.uriOf(codebook), range: ws.toRange(codebook, target.category.nameRange) });
  }
  if (!target || target.kind === 'code') {
    for (const info of project.codingsOfCode(name)) {
      const c = info.coding;
      if (!project.hasFile(c.doc)) continue;
      out.push({ uri: ws.uriOf(c.doc), range: ws.toRange(c.doc, { start: c.start, end: c.end }) });
    }
    out.push(...quotesOfCodeLocations(ws, name));
  }
  for (const { path, link } of project.linksTo(name)) out.push({ uri: ws.uriOf(path), range: ws.toRange(path, link.range) });
  return out;
}

/**
 * Inside [[ … : codes, categories and notes, replacing what was typed after [[ together with a
 * closing ]] the editor may have inserted, and ending with ]]: accepting one leaves the cursor
 * after the link, where the next word belongs (not inside it).
 */
export function completion(ws: ServerWorkspace, params: CompletionParams): CompletionList | null {
  const path = ws.pathOf(params.textDocument.uri);
  if (!path || !ws.project.noteOf(path)) return null;
  const text = ws.project.textOf(path) ?? '';
  const offset = ws.toOffset(path, params.position);
  const prefix = linkPrefixAt(text, offset);
  if (!prefix) return null;
  // Replace up to a closing ]] if the editor already inserted one.
  const closing = text.indexOf(']]', offset);
  const lineEnd = text.indexOf('\n', offset);
  const replaceEnd = closing !== -1 && (lineEnd === -1 || closing < lineEnd) && !text.slice(offset, closing).includes('[[') ? closing + 2 : offset;
  const range = ws.toRange(path, { start: prefix.start, end: replaceEnd });
  const project = ws.project;
  const items: CompletionItem[] = [];
  for (const code of project.codebook.codes) {
    const counts = project.countsOfCode(code.name);
    items.push({
      label: code.name,
      kind: CompletionItemKind.Value,
      detail: l10n.t('code · {0} · {1} codings', code.categoryPath.join(' › ') || '—', counts.codings),
      documentation: code.description ? { kind: MarkupKind.PlainText, value: code.description } : undefined,
      textEdit: { range, newText: code.name + ']]' },
      filterText: code.name,
      sortText: '1' + code.name,
    });
  }
  for (const category of project.codebook.categories) {
    items.push({
      label: category.name,
      kind: CompletionItemKind.Folder,
      detail: l10n.t('category · {0}', category.path.join(' › ')),
      documentation: category.description ? { kind: MarkupKind.PlainText, value: category.description } : undefined,
      textEdit: { range, newText: category.name + ']]' },
      sortText: '2' + category.name,
    });
  }
  for (const note of project.allNotes()) {
    if (note.role === 'codebook' || note.path === path) continue;
    const name = stripExtension(basename(note.path));
    items.push({
      label: name,
      kind: CompletionItemKind.File,
      detail: `${note.role} · ${note.path}`,
      textEdit: { range, newText: name + ']]' },
      sortText: '3' + name,
    });
  }
  return { isIncomplete: false, items };
}

/** Ctrl+T: codes and categories of the codebook, matched as a subsequence like VS Code does. */
export function workspaceSymbols(ws: ServerWorkspace, params: WorkspaceSymbolParams): SymbolInformation[] {
  const query = normalizeName(params.query).replace(/\s/g, '');
  const project = ws.project;
  const codebook = project.codebook.path;
  const uri = ws.uriOf(codebook);
  const out: SymbolInformation[] = [];
  for (const c of project.codebook.categories) {
    if (matches(c.name, query)) out.push({ name: c.name, kind: SymbolKind.Namespace, containerName: c.path.slice(0, -1).join(' › '), location: { uri, range: ws.toRange(codebook, c.nameRange) } });
  }
  for (const c of project.codebook.codes) {
    if (matches(c.name, query)) out.push({ name: c.name, kind: SymbolKind.Constant, containerName: c.categoryPath.join(' › '), location: { uri, range: ws.toRange(codebook, c.nameRange) } });
  }
  return out;
}

function matches(name: string, query: string): boolean {
  if (query === '') return true;
  const n = normalizeName(name);
  let i = 0;
  for (const ch of n) if (ch === query[i]) i++;
  return i >= query.length;
}

// ---- rename ------------------------------------------------------------------------------
// Rename (F2) of a code or category, from its name in codebook.md or from a [[link]] to it:
// one WorkspaceEdit over codebook.md, every [[link]] and the colour key in qda.yaml, and every
// coder's codings file written by the server once the client says VS Code applied the edit
// (operationReply.ts). A refused rename (name clash, blocked codings file) is an error the
// editor shows as a message.

interface RenameTarget {
  /** The code's or category's current name. */
  name: string;
  range: Range;
}

function renameTarget(ws: ServerWorkspace, uri: string, position: RenameParams['position']): RenameTarget | { error: string } | undefined {
  const at = locate(ws, uri, position);
  if (!at) return undefined;
  if (at.kind === 'codeName') return { name: at.code.name, range: ws.toRange(at.path, at.code.nameRange) };
  if (at.kind === 'categoryName') return { name: at.category.name, range: ws.toRange(at.path, at.category.nameRange) };
  if (at.kind === 'link') {
    const target = ws.project.resolveLink(at.link.target);
    if (!target) return { error: l10n.t('[[{0}]] resolves to nothing; there is nothing to rename.', at.link.target) };
    if (target.kind === 'note') return { error: l10n.t('[[{0}]] links to the note {1}; rename the file to rename the note.', at.link.target, target.path) };
    const name = target.kind === 'code' ? target.code.name : target.category.name;
    return { name, range: ws.toRange(at.path, at.link.targetRange) };
  }
  return undefined;
}

export function prepareRename(ws: ServerWorkspace, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const t = renameTarget(ws, params.textDocument.uri, params.position);
  if (!t) return null;
  if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
  return { range: t.range, placeholder: t.name };
}

/**
 * F2: the edit of the files the user reads goes back for VS Code to apply (with its preview);
 * the codings follow through the server's writer when the client commits (RenameReply).
 */
export async function rename(ops: Operations, params: RenameParams, afterWrite?: (oldName: string) => Promise<unknown>): Promise<RenameReply | null> {
  const ws = ops.ws;
  const t = renameTarget(ws, params.textDocument.uri, params.position);
  if (!t) return null;
  if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
  const reply = await ops.reply(() => renameItem(ws.project, t.name, params.newName), { origin: params.textDocument.uri, afterWrite: afterWrite && (() => afterWrite(t.name)) });
  if (reply.error) throw new ResponseError(ErrorCodes.InvalidRequest, reply.error);
  const out: RenameReply = reply.edit ?? { documentChanges: [] };
  if (reply.commit !== undefined) {
    out.commit = reply.commit;
    out.pending = reply.pending;
  }
  if (reply.written) out.written = reply.written;
  if (reply.history) out.history = reply.history;
  return out;
}
