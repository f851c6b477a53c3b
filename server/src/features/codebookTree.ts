// The data behind the client's Codebook tree, segment lists, code picker and decorations.
import type { ServerWorkspace } from '../workspace';
import type { CodeSummary, CodebookTreeResult, ReviewStatusInfo, DocumentCoding, DocumentPaint, SegmentInfo, SegmentsParams, TreeCategoryNode, TreeCodeNode, TreeNode } from '../protocol';
import type { CodebookCode } from '../core/model/model';
import type { CodingInfo } from '../core/project/project';
import { normalizeName } from '../core/text/text';
import { quotesOfCoding } from '../core/checks/quotes';

/** `review`: each item's review status by normalised name (features/review.ts), shown in the tree. */
export function codebookTree(ws: ServerWorkspace, review?: Map<string, ReviewStatusInfo>): CodebookTreeResult {
  const project = ws.project;
  const codebook = project.codebook;
  const uri = ws.uriOf(codebook.path);
  const codeNode = (code: CodebookCode): TreeCodeNode => {
    const counts = project.countsOfCode(code.name);
    return {
      kind: 'code',
      name: code.name,
      description: code.description,
      color: project.colorOf(code.name),
      codings: counts.codings,
      informants: counts.informants.length,
      coders: counts.coders,
      location: { uri, range: ws.toRange(codebook.path, code.nameRange) },
      review: review?.get(normalizeName(code.name)),
      children: code.children.map((n) => project.findCode(n)).filter((c): c is CodebookCode => c !== undefined && c.parentCode === code.name).map(codeNode),
    };
  };
  const roots: TreeNode[] = [];
  const stack: TreeCategoryNode[] = [];
  const categoryOfCode = new Map<CodebookCode, TreeCategoryNode | undefined>();
  for (const category of codebook.categories) {
    while (stack.length > 0 && stack[stack.length - 1].level >= category.level) stack.pop();
    const node: TreeCategoryNode = {
      kind: 'category',
      name: category.name,
      description: category.description,
      level: category.level,
      codings: 0,
      informants: 0,
      location: { uri, range: ws.toRange(codebook.path, category.nameRange) },
      review: review?.get(normalizeName(category.name)),
      children: [],
    };
    (stack.length > 0 ? stack[stack.length - 1].children : roots).push(node);
    stack.push(node);
    // Direct codes: inside this category's range and not inside a deeper sub-category.
    for (const code of codebook.codes) {
      if (code.range.start >= category.range.start && code.range.end <= category.range.end) categoryOfCode.set(code, node);
    }
  }
  for (const code of codebook.codes) {
    if (code.parentCode) continue;
    const parent = categoryOfCode.get(code);
    (parent ? parent.children : roots).push(codeNode(code));
  }
  // Totals per category: codings and distinct informants of all codes below it.
  const total = (node: TreeCategoryNode): { codings: number; informants: Set<string> } => {
    let codings = 0;
    const informants = new Set<string>();
    const visitCode = (c: TreeCodeNode): void => {
      codings += c.codings;
      for (const i of project.countsOfCode(c.name).informants) informants.add(i);
      c.children.forEach(visitCode);
    };
    for (const child of node.children) {
      if (child.kind === 'code') visitCode(child);
      else {
        const t = total(child);
        codings += t.codings;
        t.informants.forEach((i) => informants.add(i));
      }
    }
    node.codings = codings;
    node.informants = informants.size;
    return { codings, informants };
  };
  for (const r of roots) if (r.kind === 'category') total(r);

  const known = new Set(codebook.codes.map((c) => normalizeName(c.name)));
  const unknown = new Map<string, CodingInfo[]>();
  for (const info of project.allCodings()) {
    const key = normalizeName(info.coding.code);
    if (known.has(key)) continue;
    const list = unknown.get(key) ?? [];
    list.push(info);
    unknown.set(key, list);
  }
  const unknownCodes: TreeCodeNode[] = [...unknown.values()].map((infos) => {
    const name = infos[0].coding.code;
    const counts = project.countsOfCode(name);
    const first = infos[0].coding;
    return {
      kind: 'code',
      name,
      description: '',
      color: project.colorOf(name),
      codings: counts.codings,
      informants: counts.informants.length,
      coders: counts.coders,
      location: { uri: ws.uriOf(first.doc), range: ws.toRange(first.doc, { start: first.start, end: first.end }) },
      children: [],
    };
  });
  return { version: project.version, codebookUri: uri, roots, unknownCodes };
}

export function segments(ws: ServerWorkspace, params: SegmentsParams): SegmentInfo[] {
  const project = ws.project;
  let infos: CodingInfo[] = [];
  if (params.code !== undefined) infos = project.codingsOfCode(params.code);
  else if (params.category !== undefined) {
    const category = project.findCategory(params.category);
    if (category) for (const code of project.codesInCategory(category)) infos = infos.concat(project.codingsOfCode(code.name));
  }
  return infos
    .slice()
    .sort((a, b) => (a.coding.doc < b.coding.doc ? -1 : a.coding.doc > b.coding.doc ? 1 : a.coding.start - b.coding.start))
    .map((info) => segmentInfo(ws, info));
}

export function segmentInfo(ws: ServerWorkspace, info: CodingInfo): SegmentInfo {
  const c = info.coding;
  const known = ws.project.hasFile(c.doc);
  return {
    id: c.id,
    code: c.code,
    coder: c.coder,
    uri: ws.uriOf(c.doc),
    range: known ? ws.toRange(c.doc, { start: c.start, end: c.end }) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    text: c.exact,
    informants: info.informants,
    anchored: info.anchored,
    quotedIn: [...new Set(quotesOfCoding(ws.project, c.id).map((q) => q.path))],
  };
}

export function codeSummaries(ws: ServerWorkspace): CodeSummary[] {
  const project = ws.project;
  const coder = project.coder;
  return project.codebook.codes.map((code) => {
    // Counts come from the index's cache; only "most recently used by me" is this picker's own.
    const counts = project.countsOfCode(code.name);
    let lastUsed = '';
    for (const i of project.codingsOfCode(code.name)) if (i.coding.coder === coder && i.coding.at > lastUsed) lastUsed = i.coding.at;
    return {
      name: code.name,
      description: code.description,
      categoryPath: code.categoryPath,
      color: project.colorOf(code.name),
      codings: counts.codings,
      informants: counts.informants.length,
      coders: counts.coders,
      lastUsed,
    };
  });
}

/** project.colorOf, asked once per code: a transcript's 10,000 codings use a few hundred codes. */
function colorLookup(ws: ServerWorkspace): (code: string) => string {
  const colors = new Map<string, string>();
  return (code) => {
    let color = colors.get(code);
    if (color === undefined) colors.set(code, (color = ws.project.colorOf(code)));
    return color;
  };
}

/** The document's anchored codings grouped by colour, as flat line/character quadruples. */
export function documentPaint(ws: ServerWorkspace, uri: string): DocumentPaint {
  // Keys are colours from qda.yaml: no prototype, so no name can reach Object's.
  const colors = Object.create(null) as Record<string, number[]>;
  const path = ws.pathOf(uri);
  if (!path) return { colors };
  const colorOf = colorLookup(ws);
  for (const info of ws.project.codingsOfDoc(path)) {
    if (!info.anchored) continue; // an orphan's diagnostic says where it was; it is not painted
    const r = ws.toRange(path, { start: info.coding.start, end: info.coding.end });
    (colors[colorOf(info.coding.code)] ??= []).push(r.start.line, r.start.character, r.end.line, r.end.character);
  }
  return { colors };
}

export function documentCodings(ws: ServerWorkspace, uri: string): DocumentCoding[] {
  const path = ws.pathOf(uri);
  if (!path) return [];
  const project = ws.project;
  const colorOf = colorLookup(ws);
  return project.codingsOfDoc(path).map((info) => ({
    id: info.coding.id,
    code: info.coding.code,
    color: colorOf(info.coding.code),
    coder: info.coding.coder,
    range: ws.toRange(path, { start: info.coding.start, end: info.coding.end }),
    anchored: info.anchored,
    mine: info.coding.coder === project.coder,
  }));
}
