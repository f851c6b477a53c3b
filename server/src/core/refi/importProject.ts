// REFI-QDA import: a `.qdpx` archive (or a bare project.qde) becomes the files of a new Thesis QDA
// project, in memory; the caller writes them all or nothing. Text sources become transcripts
// (frontmatter keeps the original name and GUID), selections become codings of their creating
// user with positions converted from code points to UTF-16, the code tree becomes codebook.md,
// notes memos, cases and variables informants with attributes in qda.yaml. What cannot be
// imported as text is reported by name and GUID, and the rest still imports.
import { stringify } from 'yaml';
import { colorOf } from '../model/colors';
import { serializeCodings } from '../parse/codings';
import type { Coding } from '../model/model';
import type { Language } from '../parse/config';
import { sanitizeCoder } from '../project/project';
import { codebookMarkdown, oneLine, readCodeTree, type CodeNode } from './codeTree';
import { normalizeGuid, sha1Hex } from './guid';
import * as l10n from '../text/l10n';
import { PositionMap } from './text';
import { DEFAULT_ZIP_LIMITS, ZipError, ZipReader, type InflateCodec, type ZipLimits } from '../text/zip';
import { RefiError, attr, child, kids, parseRefiXml, textOf, type XNode } from './xmlRead';

export { RefiError };
export { mergeQdc, type CodebookMergeResult, type CodebookMergeOptions } from './importCodebook';

export interface RefiImportOptions {
  language?: Language;
  limits?: Partial<ZipLimits>;
  maxDepth?: number;
  /**
   * node:zlib's inflater and CRC (from the CLI and server); fflate's otherwise. `decodeUtf8`
   * (undefined for bytes that are not UTF-8) replaces TextDecoder's fatal mode, which in Node 20
   * goes through ICU and was a tenth of an import.
   */
  codec?: InflateCodec & { decodeUtf8?(bytes: Uint8Array): string | undefined };
}

export interface RefiImportResult {
  /** Project-relative path → content. */
  files: Map<string, string>;
  /** What was not imported, each naming the element's name and GUID. */
  skipped: string[];
  counts: { transcripts: number; codes: number; codings: number; memos: number; informants: number };
}

const MAX_DEPTH = 200;

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A safe, unique file name (without extension) from a name someone else chose. */
function fileStem(name: string, taken: Set<string>): string {
  let s = name.normalize('NFC').replace(/[/\\:*?"<>|\u0000-\u001f\u007f]+/g, '-').replace(/\s+/g, ' ').trim().replace(/^[.\s-]+|[.\s]+$/g, '');
  s = [...s].slice(0, 80).join('');
  if (!s || RESERVED.test(s)) s = `source${s ? '-' + s : ''}`;
  let candidate = s;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${s} ${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

function stripKnownExtension(name: string): string {
  return name.replace(/\.(txt|md|docx?|rtf|odt|html?)$/i, '');
}

function codingId(seed: string): string {
  const hex = sha1Hex(seed);
  let id = '';
  for (let i = 0; i < 8; i++) id += (parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 36).toString(36);
  return id;
}

function variableValue(v: XNode): string | undefined {
  for (const k of ['TextValue', 'BooleanValue', 'IntegerValue', 'FloatValue', 'DateValue', 'DateTimeValue']) {
    const c = child(v, k);
    if (c) return textOf(c).trim();
  }
  return undefined;
}

/** Reads `.qdpx` bytes: the one `.qde` at the root, and the `sources/` entries it names. */
export function importQdpx(bytes: Uint8Array, options: RefiImportOptions = {}): RefiImportResult {
  let zip: ZipReader;
  try {
    zip = new ZipReader(bytes, { ...DEFAULT_ZIP_LIMITS, ...options.limits }, options.codec);
  } catch (err) {
    throw err instanceof ZipError ? new RefiError(err.message) : err;
  }
  const qdes = zip.entries.filter((e) => !e.name.includes('/') && !e.name.includes('\\') && /\.qde$/i.test(e.name));
  if (qdes.length === 0) throw new RefiError(l10n.t('no project.qde at the root of the archive'));
  if (qdes.length > 1) throw new RefiError(l10n.t('the archive holds {0} .qde files ({1}); which one is the project is ambiguous', qdes.length, qdes.map((e) => e.name).join(', ')));
  const qde = qdes[0];
  const read = (name: string): Uint8Array => {
    try {
      return zip.read(name === qde.name ? qde : zip.find(name)[0]);
    } catch (err) {
      throw err instanceof ZipError ? new RefiError(err.message) : err;
    }
  };
  let xml: string;
  try {
    xml = utf8(read(qde.name), options);
  } catch (err) {
    if (err instanceof RefiError) throw err;
    throw new RefiError(l10n.t('{0}: not UTF-8 text', qde.name));
  }
  return importQde(xml, qde.name, (internal, probeOnly) => {
    // internal:// names a flat file in sources/ (spec §8.1): anything with a path is refused.
    if (!/^[^/\\]+$/.test(internal) || internal === '.' || internal === '..') return { error: l10n.t('internal://{0} is not a flat file name in sources/', internal) };
    const entries = zip.find(`sources/${internal}`);
    if (entries.length === 0) return { error: l10n.t('sources/{0} is missing from the archive', internal) };
    if (entries.length > 1) return { error: l10n.t('sources/{0} appears {1} times in the archive', internal, entries.length) };
    return probeOnly ? {} : { bytes: read(entries[0].name) };
  }, options);
}

/** Strict UTF-8 decoding: throws a TypeError for bytes that are not UTF-8. */
function utf8(bytes: Uint8Array, options: RefiImportOptions): string {
  if (options.codec?.decodeUtf8) {
    const text = options.codec.decodeUtf8(bytes);
    if (text === undefined) throw new TypeError('not UTF-8');
    // As TextDecoder does (ignoreBOM false): a leading BOM is not part of the text.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

type Resolve = (internal: string, probeOnly?: boolean) => { bytes?: Uint8Array; error?: string };

export function importQde(xml: string, what: string, resolve: Resolve, options: RefiImportOptions = {}): RefiImportResult {
  const language = options.language ?? 'nb';
  const doc = parseRefiXml(xml.replace(/^\uFEFF/, ''), what, options.maxDepth ?? MAX_DEPTH);
  const project = child(doc, 'Project');
  if (!project) throw new RefiError(l10n.t('{0}: the root element is not <Project>', what));
  const skipped: string[] = [];
  const files = new Map<string, string>();
  const label = (kind: string, node: XNode): string => `${kind} '${attr(node, 'name') ?? ''}' {${attr(node, 'guid') ?? '?'}}`;

  const users = new Map<string, string>();
  for (const u of kids(child(project, 'Users'), 'User')) {
    const g = attr(u, 'guid');
    if (g) users.set(normalizeGuid(g), attr(u, 'name') || attr(u, 'id') || g);
  }

  const codes = new Map<string, CodeNode>();
  const roots = readCodeTree(child(child(project, 'CodeBook'), 'Codes'), { used: new Set(), codes, skipped, collision: 'rename' });

  const variables = new Map<string, string>();
  for (const v of kids(child(project, 'Variables'), 'Variable')) {
    const g = attr(v, 'guid');
    if (g) variables.set(normalizeGuid(g), attr(v, 'name') ?? g);
  }

  // Cases → informants; their SourceRefs say which transcripts they speak in.
  const informants: Record<string, Record<string, string>> = {};
  const informantsOfSource = new Map<string, string[]>();
  for (const c of kids(child(project, 'Cases'), 'Case')) {
    const name = oneLine(attr(c, 'name') ?? '');
    if (!name) {
      skipped.push(l10n.t('{0}: a case without a name; not imported', label('Case', c)));
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const vv of kids(c, 'VariableValue')) {
      const ref = attr(child(vv, 'VariableRef'), 'targetGUID');
      const varName = ref ? variables.get(normalizeGuid(ref)) : undefined;
      const value = variableValue(vv);
      if (varName && value !== undefined) attrs[varName] = value;
    }
    informants[name] = attrs;
    for (const s of kids(c, 'SourceRef')) {
      const g = normalizeGuid(attr(s, 'targetGUID') ?? '');
      informantsOfSource.set(g, [...(informantsOfSource.get(g) ?? []), name]);
    }
  }

  const textOfSource = (node: XNode, kind: string): string | undefined => {
    const path = attr(node, 'plainTextPath');
    let text: string | undefined;
    if (path !== undefined) {
      const m = /^internal:\/\/(.*)$/i.exec(path);
      if (!m) {
        skipped.push(l10n.t('{0}: {1} is outside the archive; not imported', label(kind, node), path));
        return undefined;
      }
      const r = resolve(m[1]);
      if (!r.bytes) {
        skipped.push(l10n.t('{0}: {1}; not imported', label(kind, node), String(r.error)));
        return undefined;
      }
      try {
        text = utf8(r.bytes, options);
      } catch {
        skipped.push(l10n.t('{0}: {1} is not UTF-8 text; not imported', label(kind, node), path));
        return undefined;
      }
    } else if (child(node, 'PlainTextContent')) text = textOf(child(node, 'PlainTextContent'));
    else {
      skipped.push(l10n.t('{0}: no PlainTextContent and no plainTextPath; not imported', label(kind, node)));
      return undefined;
    }
    return text;
  };

  const sourcesEl = child(project, 'Sources');
  for (const kind of ['PictureSource', 'PDFSource', 'AudioSource', 'VideoSource']) {
    for (const s of kids(sourcesEl, kind)) {
      const p = attr(s, 'path') ?? '';
      const m = /^internal:\/\/(.*)$/i.exec(p);
      const missing = m ? resolve(m[1], true).error : undefined;
      skipped.push(missing ? l10n.t('{0}: only text sources are imported (and {1})', label(kind, s), missing) : l10n.t('{0}: only text sources are imported', label(kind, s)));
    }
  }
  const takenTranscripts = new Set<string>();
  const codingsByCoder = new Map<string, Coding[]>();
  let codingCount = 0;
  const seen = new Map<string, number>();
  let transcripts = 0;
  for (const s of kids(sourcesEl, 'TextSource')) {
    const guid = normalizeGuid(attr(s, 'guid') ?? '');
    let text = textOfSource(s, 'TextSource');
    if (text === undefined) continue;
    const name = oneLine(attr(s, 'name') ?? '') || guid;
    // A BOM is not part of the text the positions count.
    let shift = 0;
    if (text.startsWith('\uFEFF')) {
      text = text.slice(1);
      shift = 1;
    }
    const fm: Record<string, unknown> = { title: name, refi_guid: guid };
    const inf = informantsOfSource.get(guid);
    if (inf) fm.informants = inf;
    const head = `---\n${stringify(fm, { lineWidth: 0 })}---\n`;
    const doc = `transcripts/${fileStem(stripKnownExtension(name), takenTranscripts)}.md`;
    files.set(doc, head + text);
    transcripts++;
    const map = new PositionMap(text);
    const sourceUser = attr(s, 'creatingUser');
    for (const sel of kids(s, 'PlainTextSelection')) {
      // Built only for a message: 50,000 selections rarely need one.
      const where = (): string => label('PlainTextSelection', sel);
      const rawStart = attr(sel, 'startPosition') ?? '';
      const rawEnd = attr(sel, 'endPosition') ?? '';
      const cpStart = /^-?\d+$/.test(rawStart) ? Number(rawStart) - shift : NaN;
      const cpEnd = /^-?\d+$/.test(rawEnd) ? Number(rawEnd) - shift : NaN;
      const start = map.toUtf16(cpStart);
      const end = map.toUtf16(cpEnd);
      if (start === undefined || end === undefined) {
        skipped.push(l10n.t("{0} in '{1}': positions {2}–{3} lie outside the text ({4} characters); not imported", where(), name, rawStart, rawEnd, map.codePoints));
        continue;
      }
      if (end <= start) {
        skipped.push(end < start ? l10n.t("{0} in '{1}': reversed positions {2}–{3}; not imported", where(), name, rawStart, rawEnd) : l10n.t("{0} in '{1}': empty positions {2}–{3}; not imported", where(), name, rawStart, rawEnd));
        continue;
      }
      const codings = kids(sel, 'Coding');
      for (const c of codings) {
        const ref = attr(child(c, 'CodeRef'), 'targetGUID');
        const code = ref ? codes.get(normalizeGuid(ref)) : undefined;
        if (!code) {
          skipped.push(l10n.t("{0} in '{1}': coding {{2}} names an unknown code {{3}}; not imported", where(), name, attr(c, 'guid') ?? '?', ref ?? ''));
          continue;
        }
        const userGuid = attr(c, 'creatingUser') ?? attr(sel, 'creatingUser') ?? sourceUser;
        const coder = sanitizeCoder(userGuid ? (users.get(normalizeGuid(userGuid)) ?? 'imported') : 'imported');
        const bodyStart = head.length;
        const dupKey = `${doc}\u0000${start}\u0000${end}\u0000${code.name}\u0000${coder}`;
        seen.set(dupKey, (seen.get(dupKey) ?? 0) + 1);
        const coding: Coding = {
          // From what the coding is, not from GUIDs, so importing a re-export gives the same ids.
          id: codingId(`${dupKey}\u0000${seen.get(dupKey)}`),
          doc,
          start: bodyStart + start,
          end: bodyStart + end,
          code: code.name,
          exact: text.slice(start, end),
          prefix: text.slice(Math.max(0, start - 32), start),
          suffix: text.slice(end, end + 32),
          coder,
          at: attr(c, 'creationDateTime') ?? attr(sel, 'creationDateTime') ?? '',
        };
        const fileKey = `${coder}\u0000${doc}`;
        const list = codingsByCoder.get(fileKey);
        if (list) list.push(coding);
        else codingsByCoder.set(fileKey, [coding]);
        codingCount++;
      }
    }
  }
  for (const [key, list] of codingsByCoder) {
    const [coder, doc] = key.split('\u0000');
    files.set(`.qda/codings/${coder}/${doc}.jsonl`, serializeCodings(list));
  }

  const takenMemos = new Set<string>();
  let memos = 0;
  for (const n of kids(child(project, 'Notes'), 'Note')) {
    const text = textOfSource(n, 'Note');
    if (text === undefined) continue;
    const name = oneLine(attr(n, 'name') ?? '') || normalizeGuid(attr(n, 'guid') ?? 'note');
    files.set(`memos/${fileStem(stripKnownExtension(name), takenMemos)}.md`, text);
    memos++;
  }

  files.set('codebook.md', codebookMarkdown(attr(project, 'name') ?? 'Codebook', roots, language));
  const colors: Record<string, string> = {};
  for (const c of codes.values()) if (c.color && c.color !== colorOf(c.name, {})) colors[c.name] = c.color;
  const config: Record<string, unknown> = { language };
  if (Object.keys(informants).length > 0) config.informants = informants;
  if (Object.keys(colors).length > 0) config.colors = colors;
  files.set('qda.yaml', `# Imported from a REFI-QDA project (${attr(project, 'origin') ?? 'unknown origin'}).\n${stringify(config, { lineWidth: 0 })}`);
  return { files, skipped, counts: { transcripts, codes: codes.size, codings: codingCount, memos, informants: Object.keys(informants).length } };
}

