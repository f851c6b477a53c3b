import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type CompletionParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { linkPrefixAt } from '../core/parse/links';
import { basename, stripExtension } from '../core/text/text';

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
      detail: `code · ${code.categoryPath.join(' › ') || '—'} · ${counts.codings} codings`,
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
      detail: `category · ${category.path.join(' › ')}`,
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
