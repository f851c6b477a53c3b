import type { DefinitionParams, Location } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { locate } from './locate';
import { quoteDefinition } from './quoteNavigation';

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
