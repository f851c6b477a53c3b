// REFI-QDA export: a project as `.qdpx` (project.qde + sources/<GUID>.txt) and the codebook as
// `.qdc`. Every GUID is derived from the element's identity in the project (guid.ts), and the
// only dates written are the codings' own `at`, so two exports of an unchanged project are
// byte-identical. Transcripts travel without their YAML frontmatter: the text after it is the
// plain text, and positions are shifted by the frontmatter's length and counted in code points.
import type { Project, CodingInfo } from '../project/project';
import type { CodebookCategory, CodebookCode } from '../model/model';
import { isUncategorisedName } from '../parse/codebook';
import * as l10n from '../text/l10n';
import { normalizeName, basename, stripExtension } from '../text/text';
import { stableGuid, stableGuidPair } from './guid';
import { PositionMap } from './text';
import { XmlWriter, type Attrs } from './xml';
import { ZipWriter, type ZipCodec } from './zipWrite';

export const PROJECT_NS = 'urn:QDA-XML:project:1.0';
export const CODEBOOK_NS = 'urn:QDA-XML:codebook:1.0';

export interface RefiExportResult {
  /** Archive entry name → content. */
  entries: Map<string, string>;
  warnings: string[];
  counts: { codes: number; sources: number; selections: number; users: number; cases: number; notes: number };
}

interface CodeNode {
  guid: string;
  name: string;
  description: string;
  color?: string;
  codable: boolean;
  children: CodeNode[];
  notes: string[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function categoryKey(path: readonly string[]): string {
  return path.map(normalizeName).join('\u0000');
}

/** The codebook tree: themes › groups (non-codable unless a coding names them) › codes › child codes. */
function codeTree(project: Project, warnings: string[]): { roots: CodeNode[]; byName: Map<string, CodeNode> } {
  const roots: CodeNode[] = [];
  const byName = new Map<string, CodeNode>();
  const categories = new Map<string, CodeNode>();
  const codedNames = new Set(project.allCodings().map((i) => normalizeName(i.coding.code)));
  const categoryNode = (c: CodebookCategory): CodeNode => ({
    guid: stableGuid('category', categoryKey(c.path)),
    name: c.name,
    description: c.description,
    color: project.colorOf(c.name),
    codable: codedNames.has(normalizeName(c.name)),
    children: [],
    notes: [],
  });
  for (const c of project.codebook.categories) {
    // The uncategorised section is a place in codebook.md, not a category: its codes go on top.
    if (isUncategorisedName(c.name)) continue;
    const node = categoryNode(c);
    const key = categoryKey(c.path);
    if (categories.has(key)) {
      warnings.push(l10n.t("{0}:{1}: category '{2}' appears twice; exported once", project.codebook.path, c.line + 1, c.name));
      continue;
    }
    categories.set(key, node);
    let parent: CodeNode | undefined;
    for (let n = c.path.length - 1; n > 0 && !parent; n--) parent = categories.get(categoryKey(c.path.slice(0, n)));
    (parent ? parent.children : roots).push(node);
    if (node.codable && !byName.has(normalizeName(c.name))) byName.set(normalizeName(c.name), node);
  }
  const codeNodes = new Map<string, CodeNode>();
  const pending: Array<{ code: CodebookCode; node: CodeNode }> = [];
  for (const code of project.codebook.codes) {
    const key = normalizeName(code.name);
    if (codeNodes.has(key)) {
      warnings.push(l10n.t("{0}:{1}: code '{2}' appears twice; exported once", project.codebook.path, code.line + 1, code.name));
      continue;
    }
    const node: CodeNode = { guid: stableGuid('code', key), name: code.name, description: code.description, color: project.colorOf(code.name), codable: true, children: [], notes: [] };
    codeNodes.set(key, node);
    byName.set(key, node);
    pending.push({ code, node });
  }
  for (const { code, node } of pending) {
    let parent = code.parentCode !== undefined ? codeNodes.get(normalizeName(code.parentCode)) : undefined;
    for (let n = code.categoryPath.length; n > 0 && !parent; n--) parent = categories.get(categoryKey(code.categoryPath.slice(0, n)));
    (parent ? parent.children : roots).push(node);
  }
  // Codings that name a code the codebook lacks still travel, under a code of that name.
  for (const info of project.allCodings()) {
    const key = normalizeName(info.coding.code);
    if (byName.has(key)) continue;
    const node: CodeNode = { guid: stableGuid('code', key), name: info.coding.code, description: '', color: project.colorOf(info.coding.code), codable: true, children: [], notes: [] };
    byName.set(key, node);
    roots.push(node);
    warnings.push(l10n.t("code '{0}' is used by codings but not in {1}; exported as a top-level code", info.coding.code, project.codebook.path));
  }
  return { roots, byName };
}

function writeCodes(xml: XmlWriter, nodes: readonly CodeNode[], withNotes: boolean): void {
  for (const n of nodes) {
    const attrs: Attrs = { guid: n.guid, name: n.name, isCodable: n.codable, color: n.color };
    const notes = withNotes ? n.notes : [];
    if (!n.description && notes.length === 0 && n.children.length === 0) {
      xml.leaf('Code', attrs);
      continue;
    }
    xml.open('Code', attrs);
    if (n.description) xml.leaf('Description', {}, n.description);
    for (const g of notes) xml.leaf('NoteRef', { targetGUID: g });
    writeCodes(xml, n.children, withNotes);
    xml.close('Code');
  }
}

function countNodes(nodes: readonly CodeNode[]): number {
  return nodes.reduce((s, n) => s + 1 + countNodes(n.children), 0);
}

/** Name shown for a transcript: its title (frontmatter `title`, else the file name). */
export function sourceName(project: Project, path: string): string {
  return project.transcripts.get(path)?.title ?? stripExtension(basename(path));
}

function selectionName(exact: string): string {
  // The common case, a short single-line passage without astral characters, needs no copying.
  if (exact.length <= 60 && /^[^\s\uD800-\uDFFF]+(?: [^\s\uD800-\uDFFF]+)*$/.test(exact)) return exact;
  const s = exact.slice(0, 200).replace(/\s+/g, ' ').trim();
  // Cut at 60 code points; only text with surrogate pairs needs counting them one by one.
  if (!/[\uD800-\uDFFF]/.test(s.slice(0, 120))) return s.length > 60 ? s.slice(0, 59) + '…' : s;
  const cps = [...s];
  return cps.length > 60 ? cps.slice(0, 59).join('') + '…' : cps.join('');
}

/** Receives each archive entry as it is made: `sources/<GUID>.txt` in turn, `project.qde` last. */
type EntrySink = (name: string, content: string | string[]) => void;

/** The project's archive entries, all held in memory (tests, and callers that want the XML). */
export function buildRefiProject(project: Project, name: string): RefiExportResult {
  const entries = new Map<string, string>();
  const { warnings, counts } = writeRefiProject(project, name, (entry, content) => entries.set(entry, typeof content === 'string' ? content : content.join('')));
  return { entries, warnings, counts };
}

function writeRefiProject(project: Project, name: string, sink: EntrySink): Omit<RefiExportResult, 'entries'> {
  const warnings: string[] = [];
  const { roots, byName } = codeTree(project, warnings);
  const infos = project.allCodings();
  const coders = [...new Set(infos.map((i) => i.coding.coder))].sort();
  // One GUID per coder, not one hash per coding.
  const userGuids = new Map(coders.map((c) => [c, stableGuid('user', c)]));
  const userGuid = (coder: string): string => userGuids.get(coder) ?? stableGuid('user', coder);

  // Notes: memos and theory notes, with a NoteRef from every code or group they link to.
  const memoPaths = [...project.notes.values()].filter((n) => n.role === 'memo').map((n) => n.path).sort();
  const notes = memoPaths.map((path) => ({ path, guid: stableGuid('note', path), name: stripExtension(basename(path)), text: project.texts.get(path) ?? '' }));
  for (const note of notes) {
    const file = project.notes.get(note.path)!;
    for (const link of file.links) {
      const node = byName.get(normalizeName(link.target)) ?? findCategoryNode(roots, link.target);
      if (node && !node.notes.includes(note.guid)) node.notes.push(note.guid);
    }
  }

  const xml = new XmlWriter();
  const projectAttrs: Attrs = { xmlns: PROJECT_NS, name, origin: 'Thesis QDA' };
  if (coders.includes(project.coder)) projectAttrs.creatingUserGUID = userGuid(project.coder);
  xml.open('Project', projectAttrs);
  if (coders.length > 0) {
    xml.open('Users');
    for (const c of coders) xml.leaf('User', { guid: userGuid(c), name: c });
    xml.close('Users');
  }
  if (roots.length > 0) {
    xml.open('CodeBook').open('Codes');
    writeCodes(xml, roots, true);
    xml.close('Codes').close('CodeBook');
  }

  // Informants become cases; their qda.yaml attributes variables (all Text: qda.yaml has no types).
  const informants = project.informantLabels();
  const attributeNames = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
  if (attributeNames.length > 0) {
    xml.open('Variables');
    for (const a of attributeNames) xml.leaf('Variable', { guid: stableGuid('variable', a), name: a, typeOfVariable: 'Text' });
    xml.close('Variables');
  }
  const transcriptPaths = [...project.transcripts.keys()].sort();
  if (informants.length > 0) {
    xml.open('Cases');
    for (const label of informants) {
      const attrs = project.config.informants[label] ?? {};
      const sources = transcriptPaths.filter((p) => project.transcripts.get(p)!.informants.includes(label));
      const keys = attributeNames.filter((a) => attrs[a] !== undefined);
      if (keys.length === 0 && sources.length === 0) {
        xml.leaf('Case', { guid: stableGuid('case', label), name: label });
        continue;
      }
      xml.open('Case', { guid: stableGuid('case', label), name: label });
      for (const a of keys) {
        xml.open('VariableValue').leaf('VariableRef', { targetGUID: stableGuid('variable', a) }).leaf('TextValue', {}, String(attrs[a])).close('VariableValue');
      }
      for (const p of sources) xml.leaf('SourceRef', { targetGUID: stableGuid('source', p) });
      xml.close('Case');
    }
    xml.close('Cases');
  }

  let selections = 0;
  if (transcriptPaths.length > 0) {
    xml.open('Sources');
    for (const path of transcriptPaths) {
      const transcript = project.transcripts.get(path)!;
      const text = project.texts.get(path) ?? '';
      const body = text.slice(transcript.bodyStart);
      const guid = stableGuid('source', path);
      const file = `${guid}.txt`;
      sink(`sources/${file}`, body);
      const map = new PositionMap(body);
      const rows: Array<{ info: CodingInfo; start: number; end: number }> = [];
      for (const info of project.codingsOfDoc(path)) {
        const c = info.coding;
        const where = l10n.t('{0}: coding {1} ({2})', info.file, c.id, c.code);
        if (!info.anchored) {
          warnings.push(l10n.t("{0}: not found in the transcript's text; not exported", where));
          continue;
        }
        const start = map.toCodePoints(c.start - transcript.bodyStart);
        const end = map.toCodePoints(c.end - transcript.bodyStart);
        if (start === undefined || end === undefined || end < start) {
          warnings.push(l10n.t('{0}: lies in the frontmatter or splits a character; not exported', where));
          continue;
        }
        rows.push({ info, start, end });
      }
      rows.sort((a, b) => a.start - b.start || a.end - b.end || (a.info.coding.coder < b.info.coding.coder ? -1 : a.info.coding.coder > b.info.coding.coder ? 1 : 0) || (a.info.coding.id < b.info.coding.id ? -1 : 1));
      const attrs: Attrs = { guid, name: transcript.title, plainTextPath: `internal://${file}` };
      if (rows.length === 0) {
        xml.leaf('TextSource', attrs);
        continue;
      }
      xml.open('TextSource', attrs);
      for (const { info, start, end } of rows) {
        const c = info.coding;
        const user = userGuid(c.coder);
        const at = DATE_TIME.test(c.at) ? c.at : undefined;
        const id = `${c.coder}\u0000${c.id}`;
        const [selectionGuid, codingGuid] = stableGuidPair('selection', id);
        xml.open('PlainTextSelection', { guid: selectionGuid, name: selectionName(c.exact), startPosition: start, endPosition: end, creatingUser: user, creationDateTime: at });
        xml.open('Coding', { guid: codingGuid, creatingUser: user, creationDateTime: at });
        xml.leaf('CodeRef', { targetGUID: byName.get(normalizeName(c.code))!.guid });
        xml.close('Coding');
        xml.close('PlainTextSelection');
        selections++;
      }
      xml.close('TextSource');
    }
    xml.close('Sources');
  }
  if (notes.length > 0) {
    xml.open('Notes');
    for (const n of notes) xml.open('Note', { guid: n.guid, name: n.name }).leaf('PlainTextContent', {}, n.text).close('Note');
    xml.close('Notes');
  }
  xml.close('Project');
  sink('project.qde', xml.parts());
  return {
    warnings,
    counts: { codes: countNodes(roots), sources: transcriptPaths.length, selections, users: coders.length, cases: informants.length, notes: notes.length },
  };
}

function findCategoryNode(nodes: readonly CodeNode[], name: string): CodeNode | undefined {
  for (const n of nodes) {
    if (normalizeName(n.name) === normalizeName(name)) return n;
    const found = findCategoryNode(n.children, name);
    if (found) return found;
  }
  return undefined;
}

/**
 * The project as `.qdpx` bytes. Each entry is compressed as it is made (zipWrite.ts), so the
 * source texts are never all held twice; `codec` is node:zlib's deflater in the CLI and server.
 */
export function exportQdpx(project: Project, name: string, codec?: ZipCodec): { bytes: Uint8Array; result: Omit<RefiExportResult, 'entries'> } {
  const zip = new ZipWriter(codec);
  const result = writeRefiProject(project, name, (entry, content) => zip.add(entry, content));
  // project.qde first: some readers look at the first entry.
  return { bytes: zip.finish('project.qde'), result };
}

/** The codebook alone, as a `.qdc` (urn:QDA-XML:codebook:1.0). */
export function buildRefiCodebook(project: Project, origin = 'Thesis QDA'): { xml: string; codes: number; warnings: string[] } {
  const warnings: string[] = [];
  const { roots } = codeTree(project, warnings);
  const xml = new XmlWriter();
  xml.open('CodeBook', { xmlns: CODEBOOK_NS, origin });
  xml.open('Codes');
  writeCodes(xml, roots, false);
  xml.close('Codes');
  xml.close('CodeBook');
  return { xml: xml.toString(), codes: countNodes(roots), warnings };
}
