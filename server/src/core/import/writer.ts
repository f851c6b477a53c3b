// The writer of transcript Markdown (DESIGN.md "Transcripts"): applies the speaker mapping and
// roles to what a format reader produced (common.ts ParsedSource), and the text normalisation
// every turn goes through on the way.
import { Document, isMap, YAMLSeq } from 'yaml';
import { GROUP_LABELS, labelKey } from '../parse/turnGrammar';
import * as l10n from '../text/l10n';
import { DEFAULT_INTERVIEWERS, ImportError, type ImportedSpeaker, type ImportOptions, type ImportResult, type Language, type ParsedSource } from './common';

/** Words as the whole project counts them: runs of non-whitespace. */
export function countWords(text: string): number {
  // Counted match by match: text.match(/\S+/g) held every word at once (a 16 MB paragraph: 700 MB).
  const re = /\S+/g;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

/**
 * Collapses runs of spaces, tabs and line breaks to one space and trims them. Only those: a
 * no-break space ("10\u00a0%", "s.\u00a03") or a thin space is the transcriber's and stays.
 */
export function oneLine(text: string): string {
  // One pass into one buffer: V8's replace(/\s+/g, ' ') result held ~28 bytes per match
  // (a 16 MB turn of millions of words: 450 MB).
  const out = new Uint16Array(text.length);
  let n = 0;
  let space = false;
  let otherSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiSpace(c)) {
      space = true;
      if (c !== 0x20) otherSpace = true;
    } else {
      if (space && n > 0) out[n++] = 0x20;
      space = false;
      out[n++] = c;
    }
  }
  return n === text.length && !otherSpace ? text : new TextDecoder('utf-16le', { ignoreBOM: true }).decode(out.subarray(0, n));
}

/** Spaces, tabs and line breaks; no-break and other Unicode spaces are kept (issue 14.2). */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Trims spaces, tabs and line breaks, keeping no-break and other Unicode spaces. */
export function asciiTrim(text: string): string {
  return text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

const SEPARATORS = /[\u2028\u2029]/g;

/** "hh:mm:ss" of a time in seconds (fractions dropped: the second the cue starts in). */
export function formatTimestamp(seconds: number): string {
  const s = Math.floor(seconds + 1e-9);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

interface ResolvedSpeaker extends ImportedSpeaker {
  key: string;
}

/**
 * Applies the speaker mapping and roles, and writes the transcript Markdown:
 * frontmatter (title, date, source, informants; existing keys kept), then the blocks separated
 * by one blank line, turns as `**Label:** [hh:mm:ss] text`.
 */
export function writeTranscript(fileName: string, parsed: ParsedSource, options: ImportOptions): ImportResult {
  const language = options.language ?? 'nb';
  const mapping = new Map<string, { from: string; to: string }>();
  for (const [from, to] of Object.entries(options.speakers ?? {})) {
    if (to.trim() === '') throw new ImportError(fileName, l10n.t('the speaker mapping for "{0}" has no label', from));
    mapping.set(labelKey(from), { from, to: to.trim() });
  }
  const interviewerKeys = new Set([...DEFAULT_INTERVIEWERS, ...(options.interviewers ?? [])].map(labelKey));
  const genericInterviewer = new Set(DEFAULT_INTERVIEWERS.map(labelKey));
  const groupKeys = new Set(GROUP_LABELS.map(labelKey));
  const interviewerLabel = language === 'en' ? 'Interviewer' : 'Intervjuer';

  const speakers = new Map<string, ResolvedSpeaker>();
  const identifiers: Record<string, string> = {};
  const resolve = (source: string): ResolvedSpeaker => {
    const key = labelKey(source);
    let sp = speakers.get(key);
    if (sp) return sp;
    const mapped = mapping.get(key);
    let label = mapped ? mapped.to : source.trim();
    let role: ImportedSpeaker['role'];
    if (interviewerKeys.has(key) || interviewerKeys.has(labelKey(label))) {
      role = 'interviewer';
      // A named interviewer ("--interviewer 'Ingrid Haugland'") gets the generic label unless mapped.
      if (!mapped && !genericInterviewer.has(key)) label = interviewerLabel;
    } else if (groupKeys.has(key) || groupKeys.has(labelKey(label))) role = 'group';
    else role = 'informant';
    if (labelKey(label) !== key) identifiers[source.trim()] = label;
    sp = { key, source: source.trim(), label, role, turns: 0, words: 0 };
    speakers.set(key, sp);
    return sp;
  };

  const paragraphs: string[] = [];
  let turns = 0;
  let words = 0;
  // Unicode line and paragraph separators are line breaks to a transcriber, but an editor shows
  // them as unusual line terminators (VS Code offers to remove them): they become line breaks
  // (a space inside a turn), and the result says so.
  let separators = 0;
  const lines = (s: string): string =>
    s.replace(SEPARATORS, () => {
      separators++;
      return '\n';
    });
  for (const block of parsed.blocks) {
    if (block.kind === 'text') {
      const md = asciiTrim(lines(block.markdown));
      if (md !== '') paragraphs.push(md);
      continue;
    }
    const text = oneLine(lines(block.text));
    const sp = resolve(block.speaker);
    const n = countWords(text);
    sp.turns++;
    sp.words += n;
    turns++;
    words += n;
    const ts = block.time !== undefined ? ` [${formatTimestamp(block.time)}]` : '';
    paragraphs.push(`**${sp.label}:**${ts}${text ? ' ' + text : ''}`);
  }
  if (turns === 0) throw new ImportError(fileName, l10n.t('has no speaker turns (expected paragraphs that start with a label such as "Intervjuer:")'));

  const speakerList = [...speakers.values()].map(({ key: _key, ...rest }) => rest);
  const informants: string[] = [];
  for (const sp of speakerList) if (sp.role === 'informant' && !informants.includes(sp.label)) informants.push(sp.label);
  informants.sort((a, b) => a.localeCompare(b, 'nb', { numeric: true }));

  const date = options.date ?? parsed.date;
  const fm = parsed.frontmatter ?? new Document({});
  if (!isMap(fm.contents)) fm.contents = fm.createNode({}) as typeof fm.contents;
  const existingTitle = fm.get('title');
  const title =
    options.title ??
    (typeof existingTitle === 'string' && existingTitle.trim() ? existingTitle : undefined) ??
    parsed.title ??
    defaultTitle(informants, language);
  fm.set('title', title);
  if (date !== undefined) fm.set('date', date);
  if (!fm.has('source')) fm.set('source', baseName(fileName));
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const i of informants) seq.add(fm.createNode(i));
  fm.set('informants', seq);
  // Keep the order title, date, source, informants for new frontmatter (Document({}) sets in call order).
  const fmText = fm.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\n+$/, '');

  const markdown = `---\n${fmText}\n---\n${paragraphs.join('\n\n')}\n`;
  const changes: string[] = [];
  if (separators === 1) changes.push(l10n.t('{0} Unicode line or paragraph separator (U+2028/U+2029) became line breaks (a space inside a turn)', separators));
  else if (separators > 1) changes.push(l10n.t('{0} Unicode line or paragraph separators (U+2028/U+2029) became line breaks (a space inside a turn)', separators));
  return { markdown, title, date, speakers: speakerList, informants, turns, words, identifiers, layout: parsed.layout, changes };
}

function defaultTitle(informants: string[], language: Language): string {
  const who = informants.length === 0 ? '' : informants.length === 1 ? informants[0]! : `${informants.slice(0, -1).join(', ')} ${language === 'en' ? 'and' : 'og'} ${informants[informants.length - 1]}`;
  if (language === 'en') return who ? `Interview with ${who}` : 'Interview';
  return who ? `Intervju med ${who}` : 'Intervju';
}

export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? fileName;
}
