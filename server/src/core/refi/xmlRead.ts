// Reading untrusted REFI XML: a DOCTYPE or entity declaration is refused (never expanded), the
// nesting depth is bounded before any parser builds a tree, well-formedness errors name the line.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class RefiError extends Error {}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const TOKENS = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^\s>/!?]+(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;

const REPEATED = new Set(['User', 'Code', 'Set', 'MemberCode', 'Variable', 'Case', 'VariableValue', 'SourceRef', 'SelectionRef', 'CodeRef', 'TextSource', 'PictureSource', 'PDFSource', 'AudioSource', 'VideoSource', 'PlainTextSelection', 'Coding', 'NoteRef', 'Note', 'Link', 'Graph', 'Vertex', 'Edge', 'Transcript', 'PictureSelection', 'PDFSelection', 'AudioSelection', 'VideoSelection', 'SyncPoint', 'TranscriptSelection', 'MemberSource', 'MemberNote']);

/** Parses `xml` (named `what` in messages) into plain objects; attributes are `@_name`. */
export function parseRefiXml(xml: string, what: string, maxDepth: number): Record<string, unknown> {
  const decl = /<!DOCTYPE|<!ENTITY/i.exec(xml);
  if (decl) throw new RefiError(`${what} line ${lineOf(xml, decl.index)}: a DOCTYPE or entity declaration; refused rather than expanded`);
  let depth = 0;
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(xml); m; m = TOKENS.exec(xml)) {
    if (m[1] === undefined) continue; // comment, CDATA, processing instruction
    if (m[1] === '/') depth--;
    else if (m[2] !== '/') {
      depth++;
      if (depth > maxDepth) throw new RefiError(`${what} line ${lineOf(xml, m.index)}: elements nested deeper than ${maxDepth}; refused`);
    }
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new RefiError(`${what} line ${valid.err.line}: not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => REPEATED.has(name),
  });
  return parser.parse(xml) as Record<string, unknown>;
}

export type XNode = Record<string, unknown>;

export function kids(node: unknown, name: string): XNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XNode)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x && typeof x === 'object' ? (x as XNode) : { '#text': x }));
}

export function child(node: unknown, name: string): XNode | undefined {
  return kids(node, name)[0];
}

export function attr(node: XNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function textOf(node: XNode | undefined): string {
  if (!node) return '';
  const t = node['#text'];
  return typeof t === 'string' ? t : t === undefined ? '' : String(t);
}
