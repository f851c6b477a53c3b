import type { Location, ReferenceParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { locate } from './locate';
import { quoteReferences, quotesOfCodeLocations } from './quoteNavigation';

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
