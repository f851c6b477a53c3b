import { SymbolKind, type SymbolInformation, type WorkspaceSymbolParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { normalizeName } from '../core/text/text';

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
