// Reading untrusted REFI XML with a small parser of its own, in one pass: a DOCTYPE or entity
// declaration is refused (never expanded), the nesting depth is bounded as elements open, and
// every well-formedness error names the line. Only the five predefined entities and character
// references are decoded. It replaced fast-xml-parser's validator + tree builder + a separate
// depth scan (three passes, ~60% of an import of the bench corpus). The tree has the shape that
// parser gave: attributes as `@_name`, text as `#text`, children under their local name (the
// namespace prefix removed), an array for the elements REFI repeats.
import * as l10n from '../text/l10n';

export class RefiError extends Error {}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const REPEATED = new Set(['User', 'Code', 'Set', 'MemberCode', 'Variable', 'Case', 'VariableValue', 'SourceRef', 'SelectionRef', 'CodeRef', 'TextSource', 'PictureSource', 'PDFSource', 'AudioSource', 'VideoSource', 'PlainTextSelection', 'Coding', 'NoteRef', 'Note', 'Link', 'Graph', 'Vertex', 'Edge', 'Transcript', 'PictureSelection', 'PDFSelection', 'AudioSelection', 'VideoSelection', 'SyncPoint', 'TranscriptSelection', 'MemberSource', 'MemberNote']);

export type XNode = Record<string, unknown>;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&([^;&<\s]*);?/g;
/** XML 1.0 Char: a character reference to anything else is not well-formed. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

class XmlSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

/** Decodes the references in `s` (which starts at `at` in the document). */
function decode(s: string, at: number): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(REFERENCE, (m, ref: string, offset: number) => {
    if (!m.endsWith(';')) throw new XmlSyntaxError(l10n.t("'&' that starts no reference (write &amp;)"), at + offset);
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!num) throw new XmlSyntaxError(l10n.t('undefined entity &{0};', ref), at + offset);
    const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
    if (!isXmlChar(cp)) throw new XmlSyntaxError(l10n.t('character reference {0} is not an XML character', m), at + offset);
    return String.fromCodePoint(cp);
  });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Name characters, loosely: anything but whitespace and the XML delimiters. */
function isNameChar(c: number): boolean {
  return !(isSpace(c) || c === 0x3c || c === 0x3e || c === 0x2f || c === 0x3d || c === 0x22 || c === 0x27 || c === 0x26 || Number.isNaN(c));
}

interface Frame {
  name: string;
  node: XNode;
  text: string;
  elements: boolean;
  at: number;
}

function attach(parent: XNode, name: string, node: XNode): void {
  const existing = parent[name];
  if (existing === undefined) parent[name] = REPEATED.has(name) ? [node] : node;
  else if (Array.isArray(existing)) existing.push(node);
  else parent[name] = [existing, node];
}

function parse(xml: string, maxDepth: number, what: string): XNode {
  const doc: XNode = {};
  const stack: Frame[] = [];
  let root = false;
  const n = xml.length;
  let i = 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const end = lt === -1 ? n : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      if (top) {
        // Layout whitespace between child elements is dropped at once rather than collected.
        const piece = xml.slice(i, end);
        if (!(top.elements && top.text === '' && /^\s*$/.test(piece))) top.text += decode(piece, i);
      } else if (!/^\s*$/.test(xml.slice(i, end))) throw new XmlSyntaxError(l10n.t('text outside the root element'), i);
    }
    if (lt === -1) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      if (close === -1) throw new XmlSyntaxError(l10n.t('a processing instruction is not closed'), lt);
      i = close + 2;
    } else if (c === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const close = xml.indexOf('-->', lt + 4);
        if (close === -1) throw new XmlSyntaxError(l10n.t('a comment is not closed'), lt);
        i = close + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const close = xml.indexOf(']]>', lt + 9);
        if (close === -1) throw new XmlSyntaxError(l10n.t('a CDATA section is not closed'), lt);
        const top = stack[stack.length - 1];
        if (!top) throw new XmlSyntaxError(l10n.t('CDATA outside the root element'), lt);
        top.text += xml.slice(lt + 9, close);
        i = close + 3;
      } else {
        // <!DOCTYPE, <!ENTITY, <!ELEMENT …: declarations are where entity bombs and external
        // entities live; nothing in REFI needs them.
        throw new RefiError(l10n.t('{0} line {1}: a DOCTYPE or entity declaration; refused rather than expanded', what, lineOf(xml, lt)));
      }
    } else if (c === 0x2f /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt === -1) throw new XmlSyntaxError(l10n.t('a closing tag is not closed'), lt);
      const name = xml.slice(lt + 2, gt).trimEnd();
      const top = stack.pop();
      if (!top) throw new XmlSyntaxError(l10n.t('closing tag </{0}> without an open element', name), lt);
      if (top.name !== name) throw new XmlSyntaxError(l10n.t('closing tag </{0}> where </{1}> (line {2}) was expected', name, top.name, lineOf(xml, top.at)), lt);
      // Whitespace between child elements is layout, not content.
      if (top.text !== '' && !(top.elements && /^\s*$/.test(top.text))) top.node['#text'] = top.text;
      i = gt + 1;
    } else {
      let p = lt + 1;
      while (p < n && isNameChar(xml.charCodeAt(p))) p++;
      const name = xml.slice(lt + 1, p);
      if (!name) throw new XmlSyntaxError(l10n.t("'<' that starts no element (write &lt;)"), lt);
      const node: XNode = {};
      let selfClosing = false;
      for (;;) {
        const before = p;
        while (p < n && isSpace(xml.charCodeAt(p))) p++;
        const ch = xml.charCodeAt(p);
        if (ch === 0x3e /* > */) {
          p++;
          break;
        }
        if (ch === 0x2f /* / */ && xml.charCodeAt(p + 1) === 0x3e) {
          selfClosing = true;
          p += 2;
          break;
        }
        if (p >= n) throw new XmlSyntaxError(l10n.t('the tag <{0}> is not closed', name), lt);
        if (p === before) throw new XmlSyntaxError(l10n.t('<{0}>: attributes must be separated by whitespace', name), p);
        const a0 = p;
        while (p < n && isNameChar(xml.charCodeAt(p))) p++;
        const attrName = xml.slice(a0, p);
        if (!attrName) throw new XmlSyntaxError(l10n.t("<{0}>: unexpected '{1}' among the attributes", name, String(xml[p])), p);
        while (p < n && isSpace(xml.charCodeAt(p))) p++;
        if (xml.charCodeAt(p) !== 0x3d /* = */) throw new XmlSyntaxError(l10n.t('<{0}>: attribute {1} has no value', name, attrName), p);
        p++;
        while (p < n && isSpace(xml.charCodeAt(p))) p++;
        const q = xml.charCodeAt(p);
        if (q !== 0x22 && q !== 0x27) throw new XmlSyntaxError(l10n.t('<{0}>: the value of {1} is not quoted', name, attrName), p);
        const close = xml.indexOf(q === 0x22 ? '"' : "'", p + 1);
        if (close === -1) throw new XmlSyntaxError(l10n.t('<{0}>: the value of {1} is not closed', name, attrName), p);
        const raw = xml.slice(p + 1, close);
        const ltIn = raw.indexOf('<');
        if (ltIn !== -1) throw new XmlSyntaxError(l10n.t("<{0}>: '<' in the value of {1}", name, attrName), p + 1 + ltIn);
        const key = `@_${localName(attrName)}`;
        if (attrName !== 'xmlns' && !attrName.startsWith('xmlns:')) {
          if (key in node) throw new XmlSyntaxError(l10n.t('<{0}>: attribute {1} appears twice', name, attrName), a0);
          node[key] = decode(raw, p + 1);
        }
        p = close + 1;
      }
      if (stack.length + 1 > maxDepth) throw new RefiError(l10n.t('{0} line {1}: elements nested deeper than {2}; refused', what, lineOf(xml, lt), maxDepth));
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.elements = true;
        attach(parent.node, localName(name), node);
      } else {
        if (root) throw new XmlSyntaxError(l10n.t('a second root element'), lt);
        root = true;
        attach(doc, localName(name), node);
      }
      if (!selfClosing) stack.push({ name, node, text: '', elements: false, at: lt });
      i = p;
    }
  }
  if (stack.length > 0) {
    const top = stack[stack.length - 1];
    throw new XmlSyntaxError(l10n.t('<{0}> (line {1}) is not closed before the end', top.name, lineOf(xml, top.at)), n);
  }
  if (!root) throw new XmlSyntaxError(l10n.t('no root element'), n);
  return doc;
}

/** Parses `xml` (named `what` in messages) into plain objects; attributes are `@_name`. */
export function parseRefiXml(xml: string, what: string, maxDepth: number): XNode {
  try {
    return parse(xml, maxDepth, what);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new RefiError(l10n.t('{0} line {1}: not well-formed XML: {2}', what, lineOf(xml, err.at), err.message));
    throw err;
  }
}

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
