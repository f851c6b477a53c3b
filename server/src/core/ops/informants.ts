// Informants (cases): their attributes from qda.yaml `informants:`, their counts in the
// transcripts and codings, editing an attribute in qda.yaml without losing its comments, and
// the next free informant codes to suggest when a new speaker is imported.
import * as l10n from '../text/l10n';
import { isMap, isScalar, isSeq, parseDocument, stringify, YAMLMap, type Document } from 'yaml';
import { CONFIG_FILE } from '../parse/config';
import type { OffsetEdit } from '../parse/codings';
import type { OperationResult } from '../model/edits';
import type { Project } from '../project/project';
import { yamlReason } from '../parse/yamlError';

export interface InformantInfo {
  /** The informant code as it labels turns ("FL1", "Informant A"). */
  code: string;
  /** Attributes from qda.yaml (empty when it has none or is not listed there). */
  attributes: Record<string, string>;
  /** Listed under `informants:` in qda.yaml. */
  inConfig: boolean;
  /** Transcripts the informant speaks in (or names in its frontmatter), sorted. */
  transcripts: string[];
  turns: number;
  words: number;
  /** Codings (of every coder) of passages the informant speaks in. */
  codings: number;
}

/** Every informant of the project, in code order (R2 before R10). */
export function informantInfos(project: Project): InformantInfo[] {
  const byCode = new Map<string, InformantInfo>();
  const get = (code: string): InformantInfo => {
    let info = byCode.get(code);
    if (!info) {
      const attributes = project.config.informants[code];
      info = { code, attributes: { ...(attributes ?? {}) }, inConfig: attributes !== undefined, transcripts: [], turns: 0, words: 0, codings: 0 };
      byCode.set(code, info);
    }
    return info;
  };
  for (const code of Object.keys(project.config.informants)) get(code);
  for (const t of project.transcripts.values()) {
    const informants = new Set(t.informants);
    for (const code of informants) get(code).transcripts.push(t.path);
    for (const turn of t.turns) {
      if (!informants.has(turn.label)) continue;
      const info = get(turn.label);
      info.turns++;
      info.words += turn.words;
    }
  }
  for (const c of project.allCodings()) for (const code of c.informants) get(code).codings++;
  for (const info of byCode.values()) info.transcripts.sort();
  return [...byCode.values()].sort((a, b) => compareCodes(a.code, b.code));
}

export function compareCodes(a: string, b: string): number {
  return a.localeCompare(b, 'nb', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The next free code of each family of existing codes: FL1, FL2 → FL3; R1–R3 → R4;
 * Informant A–C → Informant D. Families in order of size (the most used first); without any
 * code that fits a pattern, "Informant 1"-style codes are not guessed: R1 is suggested.
 */
export function nextFreeCodes(existing: Iterable<string>): string[] {
  const taken = new Set<string>();
  const numbered = new Map<string, { sep: string; max: number; count: number }>();
  const lettered = new Map<string, { max: number; count: number }>();
  for (const raw of existing) {
    const code = raw.trim();
    taken.add(code.toLowerCase());
    const n = /^(\p{L}[\p{L} ]*?)( ?)(\d+)$/u.exec(code);
    if (n) {
      const prefix = n[1]!;
      const fam = numbered.get(prefix) ?? { sep: n[2]!, max: 0, count: 0 };
      fam.max = Math.max(fam.max, Number(n[3]));
      fam.count++;
      numbered.set(prefix, fam);
      continue;
    }
    const l = /^(\p{L}[\p{L} ]*?) ([A-Z])$/u.exec(code);
    if (l) {
      const fam = lettered.get(l[1]!) ?? { max: 0, count: 0 };
      fam.max = Math.max(fam.max, l[2]!.charCodeAt(0));
      fam.count++;
      lettered.set(l[1]!, fam);
    }
  }
  const out: Array<{ code: string; count: number }> = [];
  for (const [prefix, fam] of numbered) {
    let n = fam.max + 1;
    while (taken.has(`${prefix}${fam.sep}${n}`.toLowerCase())) n++;
    out.push({ code: `${prefix}${fam.sep}${n}`, count: fam.count });
  }
  for (const [prefix, fam] of lettered) {
    if (fam.max >= 'Z'.charCodeAt(0)) continue;
    out.push({ code: `${prefix} ${String.fromCharCode(fam.max + 1)}`, count: fam.count });
  }
  out.sort((a, b) => b.count - a.count || compareCodes(a.code, b.code));
  if (out.length === 0) {
    let n = 1;
    while (taken.has(`r${n}`)) n++;
    out.push({ code: `R${n}`, count: 0 });
  }
  return out.map((o) => o.code);
}

/** A key qda.yaml can hold as an attribute name: a short word, no YAML syntax. */
export function validAttributeName(name: string): boolean {
  return /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,39}$/u.test(name) && name.trim() === name;
}

/**
 * qda.yaml's text with `informants.<informant>.<attribute>` set to `value` (or removed when
 * value is undefined). The change is spliced into the text where the value is, so comments,
 * order, quoting and spacing of everything else stay byte for byte (`{ role: leder }` keeps its
 * flow style). Throws Error with a message for the user when qda.yaml does not parse or
 * `informants` is not a mapping.
 */
export function withInformantAttribute(text: string | undefined, informant: string, attribute: string, value: string | undefined): string {
  const src = text ?? '';
  const doc = parseDocument(src);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new Error(line !== undefined ? l10n.t('{0}:{1} does not parse ({2}); fix it first.', CONFIG_FILE, line, yamlReason(err)) : l10n.t('{0} does not parse ({1}); fix it first.', CONFIG_FILE, yamlReason(err)));
  }
  const k = yamlScalar(informant);
  const a = yamlScalar(attribute);
  const v = value === undefined ? undefined : yamlScalar(value);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    if (v === undefined) return src;
    return `${src}${src === '' || src.endsWith('\n') ? '' : '\n'}informants:\n  ${k}: { ${a}: ${v} }\n`;
  }
  if (!isMap(contents)) throw new Error(l10n.t('{0} is not a mapping of settings; fix it first.', CONFIG_FILE));
  const infPair = contents.items.find((p) => keyOf(p) === 'informants');
  if (!infPair) {
    if (v === undefined) return src;
    return `${src}${src === '' || src.endsWith('\n') ? '' : '\n'}informants:\n  ${k}: { ${a}: ${v} }\n`;
  }
  const informants = infPair.value;
  if (isSeq(informants) || informants === null || (isScalar(informants) && informants.value === null) || (isMap(informants) && (informants.flow || informants.items.length === 0))) {
    return rewriteWhole(doc, informant, attribute, value);
  }
  if (!isMap(informants)) throw new Error(l10n.t("{0}: 'informants' must be a mapping of informant codes to attributes; fix it first.", CONFIG_FILE));
  const entry = informants.items.find((p) => keyOf(p) === informant);
  if (!entry) {
    if (v === undefined) return src;
    return insertLine(src, informants.items, `${k}: { ${a}: ${v} }`);
  }
  const attrs = entry.value;
  if (attrs === null || (isScalar(attrs) && attrs.value === null)) return rewriteWhole(doc, informant, attribute, value);
  if (!isMap(attrs)) throw new Error(l10n.t('{0}: the attributes of {1} must be a mapping ("{1}: { role: leder }"); fix it first.', CONFIG_FILE, informant));
  const index = attrs.items.findIndex((p) => keyOf(p) === attribute);
  const pair = attrs.items[index];
  const range = (node: unknown): [number, number, number] | undefined => (node as { range?: [number, number, number] } | null)?.range ?? undefined;
  const splice = (from: number, to: number, insert: string): string => src.slice(0, from) + insert + src.slice(to);
  if (pair) {
    const valueRange = range(pair.value);
    const keyRange = range(pair.key);
    if (!valueRange || !keyRange) return rewriteWhole(doc, informant, attribute, value);
    if (v !== undefined) return splice(valueRange[0], valueRange[1], v);
    if (attrs.flow) {
      if (attrs.items.length === 1) {
        const r = range(attrs);
        return r ? splice(r[0], r[1], '{}') : rewriteWhole(doc, informant, attribute, value);
      }
      if (index > 0) {
        const prev = range(attrs.items[index - 1]!.value) ?? range(attrs.items[index - 1]!.key);
        return prev ? splice(prev[1], valueRange[1], '') : rewriteWhole(doc, informant, attribute, value);
      }
      const next = range(attrs.items[1]!.key);
      return next ? splice(keyRange[0], next[0], '') : rewriteWhole(doc, informant, attribute, value);
    }
    if (attrs.items.length === 1) return rewriteWhole(doc, informant, attribute, value);
    // A block mapping: remove the attribute's lines.
    const from = src.lastIndexOf('\n', keyRange[0] - 1) + 1;
    const eol = src.indexOf('\n', valueRange[1]);
    return splice(from, eol === -1 ? src.length : eol + 1, '');
  }
  if (v === undefined) return src;
  if (attrs.flow) {
    const last = attrs.items[attrs.items.length - 1];
    const lastEnd = last ? (range(last.value) ?? range(last.key)) : undefined;
    if (lastEnd) return splice(lastEnd[1], lastEnd[1], `, ${a}: ${v}`);
    const r = range(attrs);
    return r ? splice(r[0], r[1], `{ ${a}: ${v} }`) : rewriteWhole(doc, informant, attribute, value);
  }
  return insertLine(src, attrs.items, `${a}: ${v}`);
}

function keyOf(pair: { key: unknown }): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return key.value === null || key.value === undefined ? undefined : String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** Inserts `line` after the last item of a block mapping, indented like its first key. */
function insertLine(src: string, items: ReadonlyArray<{ key: unknown; value: unknown }>, line: string): string {
  const first = (items[0]?.key as { range?: [number, number, number] } | undefined)?.range;
  const last = items[items.length - 1];
  const lastRange = ((last?.value as { range?: [number, number, number] } | null)?.range ?? (last?.key as { range?: [number, number, number] } | undefined)?.range);
  if (!first || !lastRange) throw new Error(l10n.t('{0}: cannot place the new entry; fix the file first.', CONFIG_FILE));
  const indent = first[0] - (src.lastIndexOf('\n', first[0] - 1) + 1);
  const eol = src.indexOf('\n', lastRange[1]);
  const at = eol === -1 ? src.length : eol + 1;
  const before = eol === -1 ? '\n' : '';
  return `${src.slice(0, at)}${before}${' '.repeat(indent)}${line}\n${src.slice(at)}`;
}

/** Rare shapes (a list of informants, an empty entry): set the value through the Document API. */
function rewriteWhole(doc: Document, informant: string, attribute: string, value: string | undefined): string {
  let informants = doc.get('informants', true);
  if (isSeq(informants)) {
    // `informants: [FL1, R2]` becomes a mapping so that attributes have a place.
    const map = new YAMLMap<unknown, unknown>();
    for (const item of informants.items) map.set(doc.createNode(isScalar(item) ? String(item.value) : String(item)), doc.createNode({}, { flow: true }));
    doc.set('informants', map);
    informants = map;
  } else if (!isMap(informants)) {
    doc.set('informants', new YAMLMap());
    informants = doc.get('informants', true);
  }
  const map = informants as YAMLMap<unknown, unknown>;
  const entry = map.get(informant, true);
  if (isMap(entry)) {
    if (value === undefined) entry.delete(attribute);
    else entry.set(attribute, value);
  } else if (value !== undefined) map.set(doc.createNode(informant), doc.createNode({ [attribute]: value }, { flow: true }));
  return doc.toString({ lineWidth: 0 });
}

/** A key or value as qda.yaml may hold it, plain when that is safe inside `{ }`, else quoted. */
export function yamlScalar(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  const plain = stringify(flat, { lineWidth: 0 }).replace(/\n$/, '');
  return plain === flat && !/[,[\]{}#:&*!|>'"%@`]/.test(flat) ? flat : JSON.stringify(flat);
}

/** The smallest single edit that turns `before` into `after` (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): OffsetEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  return { start, end: endB, newText: after.slice(start, endA) };
}

/** The edit of qda.yaml that sets (or with an empty value removes) an informant's attribute. */
export function setInformantAttribute(project: Project, informant: string, attribute: string, value: string | undefined): OperationResult {
  const code = informant.trim();
  const name = attribute.trim();
  if (!code) return { edits: [], error: l10n.t('Which informant? The informant code is empty.') };
  if (!validAttributeName(name)) return { edits: [], error: l10n.t("'{0}' cannot be an attribute name: use a short word of letters, digits, spaces, '.', '-' or '_'.", attribute) };
  const before = project.texts.get(CONFIG_FILE);
  const v = value === undefined || value.trim() === '' ? undefined : value.trim();
  let after: string;
  try {
    after = withInformantAttribute(before, code, name, v);
  } catch (err) {
    return { edits: [], error: (err as Error).message };
  }
  if (after === (before ?? '')) return { edits: [] };
  return {
    edits: [{ path: CONFIG_FILE, create: before === undefined, edits: [minimalEdit(before ?? '', after)] }],
    message: v === undefined ? l10n.t("Removed '{0}' from {1} in {2}.", name, code, CONFIG_FILE) : `${code}: ${name} = ${v} (${CONFIG_FILE}).`,
  };
}

