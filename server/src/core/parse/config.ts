// qda.yaml: project settings. Every key is optional; a folder without qda.yaml works with
// the defaults below. A qda.yaml that does not parse is reported with its line and the
// defaults are used, so the rest of the project still works.
import * as l10n from '../text/l10n';
import { parseDocument, isMap } from 'yaml';
import picomatch from 'picomatch';
import type { QdaDiagnostic } from '../model/model';
import { yamlReason } from './yamlError';

export const CONFIG_FILE = 'qda.yaml';

export type Language = 'nb' | 'en';

export interface QuoteStyle {
  inline: string;
  block: string;
  blockFromWords: number;
  ellipsis: string;
}

export interface ProjectConfig {
  language: Language;
  transcripts: string[];
  memos: string[];
  chapters: string[];
  codebook: string;
  /** The analyst's notes for the cells of the framework matrix (`framework:` in qda.yaml; parse/frameworkNotes.ts). */
  framework: string;
  coder?: string;
  /** The coder that settled disagreements are written to (Compare Coders), `consensus:` in qda.yaml. */
  consensus?: string;
  interviewers: string[];
  informants: Record<string, Record<string, string>>;
  quoteStyle: QuoteStyle;
  colors: Record<string, string>;
  identifiers: string;
  /** Diagnostic codes switched off (qda.yaml `checks: { qda.codeUnused: false }`). */
  disabledChecks: string[];
  /** Methodological check options. */
  minInformantsPerCode: number;
  /** Saved queries (`queries:` in qda.yaml), by name: the Coded Segments view and `qda query --saved NAME`. */
  queries: Record<string, SavedQuery>;
}

export interface SavedQuery {
  /** In the language of `qda query`. */
  query: string;
  /** overlap (default), turn, or a number of turns. */
  scope?: 'overlap' | 'turn' | number;
}

export function defaultQuoteStyle(language: Language): QuoteStyle {
  return language === 'en'
    ? { inline: '“{text}” ({informant})', block: '> {text} ({informant})', blockFromWords: 40, ellipsis: '(...)' }
    : { inline: '«{text}» ({informant})', block: '> {text} ({informant})', blockFromWords: 40, ellipsis: '(...)' };
}

export function defaultConfig(): ProjectConfig {
  return {
    language: 'nb',
    transcripts: ['transcripts/**/*.{md,txt}'],
    memos: ['memos/**/*.md'],
    chapters: ['chapters/**/*.md'],
    codebook: 'codebook.md',
    framework: 'framework.md',
    interviewers: ['Intervjuer', 'Interviewer', 'I', 'M', 'Moderator'],
    informants: {},
    quoteStyle: defaultQuoteStyle('nb'),
    colors: {},
    identifiers: '.qda/identifiers.yaml',
    disabledChecks: [],
    minInformantsPerCode: 0,
    queries: {},
  };
}

export interface ParsedConfig {
  config: ProjectConfig;
  diagnostics: QdaDiagnostic[];
}

export function parseConfig(text: string | undefined): ParsedConfig {
  const config = defaultConfig();
  const diagnostics: QdaDiagnostic[] = [];
  if (text === undefined) return { config, diagnostics };
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      diagnostics.push({
        path: CONFIG_FILE,
        range: { start: err.pos[0], end: Math.max(err.pos[1], err.pos[0] + 1) },
        severity: 'error',
        code: 'qda.configParse',
        message: l10n.t('qda.yaml does not parse (line {0}): {1}. Using default settings.', err.linePos?.[0].line ?? '?', yamlReason(err)),
      });
    }
    return { config, diagnostics };
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return { config, diagnostics };
  if (!isMap(doc.contents) || typeof value !== 'object') {
    diagnostics.push({ path: CONFIG_FILE, range: { start: 0, end: 1 }, severity: 'error', code: 'qda.configParse', message: l10n.t('qda.yaml must be a mapping of settings (key: value).') });
    return { config, diagnostics };
  }
  const raw = value as Record<string, unknown>;
  const bad = (key: string, expected: string): void => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    const range = node?.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 1 };
    diagnostics.push({ path: CONFIG_FILE, range, severity: 'warning', code: 'qda.configValue', message: l10n.t("qda.yaml: '{0}' should be {1}; using the default.", key, expected) });
  };
  const strings = (key: string): string[] | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
    bad(key, l10n.t('a list of strings'));
    return undefined;
  };
  if (raw.language !== undefined) {
    if (raw.language === 'nb' || raw.language === 'en') config.language = raw.language;
    else bad('language', l10n.t('nb or en'));
  }
  config.quoteStyle = defaultQuoteStyle(config.language);
  config.transcripts = strings('transcripts') ?? config.transcripts;
  config.memos = strings('memos') ?? config.memos;
  config.chapters = strings('chapters') ?? config.chapters;
  config.interviewers = strings('interviewers') ?? config.interviewers;
  if (typeof raw.codebook === 'string') config.codebook = raw.codebook;
  else if (raw.codebook !== undefined) bad('codebook', l10n.t('a file path'));
  if (typeof raw.framework === 'string' && raw.framework.trim()) config.framework = raw.framework.trim();
  else if (raw.framework !== undefined) bad('framework', l10n.t('a file path'));
  if (typeof raw.coder === 'string' || typeof raw.coder === 'number') config.coder = String(raw.coder);
  if (typeof raw.consensus === 'string' && raw.consensus.trim()) config.consensus = raw.consensus.trim();
  if (typeof raw.identifiers === 'string') config.identifiers = raw.identifiers;
  if (raw.informants !== undefined) {
    if (raw.informants && typeof raw.informants === 'object' && !Array.isArray(raw.informants)) {
      for (const [code, attrs] of Object.entries(raw.informants as Record<string, unknown>)) {
        const out: Record<string, string> = {};
        // `role:` with nothing after it is no value (YAML's null), not the word "null": the
        // informant counts under "(none)" in a matrix by role, as one without the attribute.
        if (attrs && typeof attrs === 'object') {
          for (const [k, v] of Object.entries(attrs)) {
            if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
            out[k] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
          }
        }
        config.informants[code] = out;
      }
    } else if (Array.isArray(raw.informants)) {
      for (const code of raw.informants) config.informants[String(code)] = {};
    } else bad('informants', l10n.t('a mapping of informant codes to attributes'));
  }
  if (raw.quoteStyle !== undefined) {
    const q = raw.quoteStyle as Record<string, unknown>;
    if (q && typeof q === 'object') {
      if (typeof q.inline === 'string') config.quoteStyle.inline = q.inline;
      if (typeof q.block === 'string') config.quoteStyle.block = q.block;
      if (typeof q.blockFromWords === 'number') config.quoteStyle.blockFromWords = q.blockFromWords;
      if (typeof q.ellipsis === 'string') config.quoteStyle.ellipsis = q.ellipsis;
    } else bad('quoteStyle', l10n.t('a mapping'));
  }
  if (raw.colors !== undefined) {
    if (raw.colors && typeof raw.colors === 'object') {
      for (const [k, v] of Object.entries(raw.colors as Record<string, unknown>)) if (typeof v === 'string') config.colors[k] = v;
    } else bad('colors', l10n.t('a mapping of code names to colours'));
  }
  if (raw.checks !== undefined && raw.checks && typeof raw.checks === 'object') {
    for (const [k, v] of Object.entries(raw.checks as Record<string, unknown>)) {
      if (v === false || v === 'off') config.disabledChecks.push(k);
      if (k === 'qda.codeSingleInformant' && typeof v === 'number') config.minInformantsPerCode = v;
    }
  }
  if (raw.queries !== undefined) {
    // name: "query"  or  name: { query: "…", scope: turn }
    if (raw.queries && typeof raw.queries === 'object' && !Array.isArray(raw.queries)) {
      for (const [name, v] of Object.entries(raw.queries as Record<string, unknown>)) {
        const q = typeof v === 'string' ? { query: v } : v && typeof v === 'object' && typeof (v as { query?: unknown }).query === 'string' ? (v as { query: string; scope?: unknown }) : undefined;
        if (!q || !q.query.trim()) {
          bad(`queries: ${name}`, l10n.t('a query ("A AND NOT B") or { query: "…", scope: turn }'));
          continue;
        }
        const scope = (v as { scope?: unknown }).scope;
        const saved: SavedQuery = { query: q.query };
        if (scope === 'overlap' || scope === 'turn') saved.scope = scope;
        else if (typeof scope === 'number' && Number.isInteger(scope) && scope >= 0) saved.scope = scope;
        else if (scope !== undefined) bad(`queries: ${name}: scope`, l10n.t('overlap, turn or a number of turns'));
        config.queries[name] = saved;
      }
    } else bad('queries', l10n.t('a mapping of query names to queries'));
  }
  return { config, diagnostics };
}

export type FileRole = 'config' | 'codebook' | 'framework' | 'transcript' | 'memo' | 'chapter' | 'codings' | 'other';

export const CODINGS_DIR = '.qda/codings/';

/** Decides what a project file is, from qda.yaml's globs. */
export class FileClassifier {
  private readonly transcript: (p: string) => boolean;
  private readonly memo: (p: string) => boolean;
  private readonly chapter: (p: string) => boolean;

  constructor(private readonly config: ProjectConfig) {
    const opts = { dot: false, nocase: false };
    this.transcript = picomatch(config.transcripts, opts);
    this.memo = picomatch(config.memos, opts);
    this.chapter = picomatch(config.chapters, opts);
  }

  roleOf(path: string): FileRole {
    if (path === CONFIG_FILE) return 'config';
    if (path === this.config.codebook) return 'codebook';
    if (path === this.config.framework) return 'framework';
    if (isCodingsPath(path)) return 'codings';
    if (this.transcript(path)) return 'transcript';
    if (this.chapter(path)) return 'chapter';
    if (this.memo(path)) return 'memo';
    return 'other';
  }
}

/**
 * Codings live in `.qda/codings/<coder>/<transcript path>.jsonl`, one file per coder and
 * transcript, so that coding a passage rewrites one transcript's codings, not a coder's whole
 * project (25,000 codings are an 8.5 MB file: writing it alone takes 15–40 ms here). The
 * earlier layout, one `.qda/codings/<coder>.jsonl` per coder, is still read and edited in place.
 */
export function isCodingsPath(path: string): boolean {
  if (!path.startsWith(CODINGS_DIR) || !path.endsWith('.jsonl')) return false;
  const rest = path.slice(CODINGS_DIR.length);
  const slash = rest.indexOf('/');
  // A coder's name is its first segment: never empty, never hidden (temp files start with '.').
  return slash !== 0 && !rest.startsWith('.') && !rest.includes('/.');
}

/** The coder a codings file belongs to: its name in the old layout, its folder in the new. */
export function coderOfCodingsFile(path: string): string {
  const rest = path.slice(CODINGS_DIR.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest.slice(0, -'.jsonl'.length) : rest.slice(0, slash);
}

/** Where a coder's new codings of a transcript are written. */
export function codingsFileOf(coder: string, doc: string): string {
  return `${CODINGS_DIR}${coder}/${doc}.jsonl`;
}

/** The old one-file-per-coder layout's file (still read, and edited where codings live in it). */
export function legacyCodingsFileOf(coder: string): string {
  return `${CODINGS_DIR}${coder}.jsonl`;
}
