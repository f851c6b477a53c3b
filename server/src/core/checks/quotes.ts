// Quotes in thesis chapters: finding them in the Markdown, checking them word for word
// against their source in a transcript, and formatting new ones in the project's quote style.
//
// A quote is «text» (REF) or “text” (REF) inline, or a block quote (`> text (REF)`), with an
// optional hidden anchor `<!--qda:ID-->` naming the coding it came from. Matching rules:
// - the quote's words must occur in the source in order; between two ellipsis marks
//   (`(...)`, `[...]`, `…`, `...`) the words must follow each other in the source, and text
//   may be left out before the first and after the last word;
// - case, whitespace, line breaks, punctuation and typographic quote marks are free;
// - `[editorial insertions]` in the quote and `(ler)`-style annotations and `[00:01:23]`
//   timestamps in either are not words; speaker labels are never part of the source;
// - the matched words must all be one speaker's (two turns of one speaker are fine).
//
// The modules: quoteText.ts (finding quotes and their words, matching words; no project),
// quoteResolve.ts (quotes against the project's codings and transcripts, diagnostics), and this
// one: formatting new quotes in the project's style, and the quick fixes. Callers import all of
// it from here.
import type { Coding, OffsetRange } from '../model/model';
import type { Project } from '../project/project';
import type { OffsetEdit } from '../parse/codings';
import type { QuoteStyle } from '../parse/config';
import * as l10n from '../text/l10n';
import { countWords } from '../text/text';
import { quotesIn } from './quoteResolve';
import { TIMESTAMP, sourceWords, spokenText, type ChapterQuote } from './quoteText';

export { findQuotes, matchWords, quoteSegments, sourceWords, spokenText, type ChapterQuote, type MatchResult, type Word } from './quoteText';
export {
  projectQuotes,
  quoteAt,
  quoteDiagnostics,
  quotesIn,
  quotesOfCoding,
  type QuoteSource,
  type QuoteStatus,
  type ResolvedQuote,
} from './quoteResolve';

// ---- formatting ---------------------------------------------------------------------------

export interface FormattedQuote {
  /** The quote in the project's style with its anchor, ready to insert. */
  text: string;
  form: 'inline' | 'block';
  informant: string;
  words: number;
  doc: string;
  start: number;
  end: number;
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? values[key] : all));
}

/** Quote marks of a style's inline template, for turning inner quotes into ‘…’. */
function marksOf(style: QuoteStyle): [string, string] | undefined {
  const m = /(.)\{text\}(.)/u.exec(style.inline);
  return m ? [m[1], m[2]] : undefined;
}

/**
 * Formats a coded segment (or the part `sub` of it) as a quote in the project's style:
 * inline below `blockFromWords` words, a block quote from there; omitted text at either
 * end is marked with the style's ellipsis; the anchor follows the quote.
 */
export function formatQuote(project: Project, id: string, sub?: OffsetRange): FormattedQuote | { error: string } {
  const info = project.codingById(id);
  if (!info) return { error: l10n.t('There is no coding {0}.', id) };
  const c = info.coding;
  const text = project.texts.get(c.doc);
  if (text === undefined || !info.anchored) return { error: l10n.t('Coding {0} ({1}) could not be placed in {2}; re-attach it before quoting it.', id, c.code, c.doc) };
  let start = c.start;
  let end = c.end;
  if (sub) {
    start = Math.max(c.start, sub.start);
    end = Math.min(c.end, sub.end);
    if (start >= end) return { error: l10n.t('The selection is outside the coded segment.') };
  }
  const transcript = project.transcripts.get(c.doc);
  const spoken = spokenText(text, transcript, start, end);
  if (spoken.text === '') return { error: l10n.t('The selection has no words to quote.') };
  if (spoken.speakers.length > 1) return { error: l10n.t('The passage runs across speakers ({0}); quote one informant at a time.', spoken.speakers.join(', ')) };
  const style = project.config.quoteStyle;
  const hasWords = (a: number, b: number): boolean => sourceWords(text, transcript, a, b).length > 0;
  let body = spoken.text;
  const words = countWords(body);
  const form: 'inline' | 'block' = words >= style.blockFromWords ? 'block' : 'inline';
  if (form === 'inline') {
    const marks = marksOf(style);
    if (marks && marks[0] !== marks[1]) body = body.split(marks[0]).join('‘').split(marks[1]).join('’');
  }
  if (start > c.start && hasWords(c.start, start)) body = `${style.ellipsis} ${body}`;
  if (end < c.end && hasWords(end, c.end)) body = `${body} ${style.ellipsis}`;
  const informant = spoken.speakers[0] ?? info.informants[0] ?? '';
  const values = { text: body, informant, code: c.code, doc: c.doc, timestamp: spoken.turns[0]?.timestamp ?? '' };
  const rendered = render(form === 'block' ? style.block : style.inline, values).replace(/\s+$/, '');
  return { text: `${rendered}<!--qda:${c.id}-->`, form, informant, words, doc: c.doc, start, end };
}

/** The text to insert at `offset` of a chapter: block quotes get paragraphs of their own. */
export function quoteInsertText(chapter: string, offset: number, q: Pick<FormattedQuote, 'text' | 'form'>): string {
  if (q.form === 'inline') {
    const before = chapter[offset - 1];
    const after = chapter[offset];
    const lead = before !== undefined && !/\s/.test(before) ? ' ' : '';
    const trail = after !== undefined && /[\p{L}\p{N}]/u.test(after) ? ' ' : '';
    return `${lead}${q.text}${trail}`;
  }
  const beforeText = chapter.slice(0, offset);
  const afterText = chapter.slice(offset);
  const lead = beforeText === '' || beforeText.endsWith('\n\n') ? '' : beforeText.endsWith('\n') ? '\n' : '\n\n';
  const trail = afterText === '' ? '\n' : afterText.startsWith('\n\n') ? '' : afterText.startsWith('\n') ? '\n' : '\n\n';
  return `${lead}${q.text}${trail}`;
}

// ---- quick fixes --------------------------------------------------------------------------

export interface QuoteFix {
  title: string;
  /** The diagnostic code the fix answers. */
  code: string;
  path: string;
  edits: OffsetEdit[];
  preferred?: boolean;
}

/** The quick fixes for the quotes of a chapter that overlap a range, computed from the current text. */
export function quoteFixes(project: Project, path: string, range: OffsetRange): QuoteFix[] {
  const out: QuoteFix[] = [];
  for (const r of quotesIn(project, path)) {
    const q = r.quote;
    if (q.range.end < range.start || q.range.start > range.end) continue;
    const removeAnchor = (code: string): void => {
      if (q.anchorRange) out.push({ title: l10n.t('Remove the quote’s source anchor'), code, path, edits: [{ ...q.anchorRange, newText: '' }] });
    };
    switch (r.status) {
      case 'mismatch': {
        const fresh = r.coding ? sourceTextOf(project, r.coding.coding, q) : undefined;
        if (fresh !== undefined) out.push({ title: l10n.t('Update the quote from its source'), code: 'qda.quoteMismatch', path, edits: [{ ...q.textRange, newText: fresh }], preferred: true });
        removeAnchor('qda.quoteMismatch');
        break;
      }
      case 'wrongInformant': {
        const who = r.expectedInformant!;
        const edit: OffsetEdit = q.informantRange ? { ...q.informantRange, newText: who } : { start: q.textRange.end + (q.close?.length ?? 0), end: q.textRange.end + (q.close?.length ?? 0), newText: ` (${who})` };
        out.push({ title: l10n.t('Change the informant to {0}', who), code: 'qda.quoteWrongInformant', path, edits: [edit], preferred: true });
        break;
      }
      case 'crossSpeakers':
        removeAnchor('qda.quoteCrossSpeakers');
        break;
      case 'missingCoding':
        removeAnchor('qda.quoteMissingCoding');
        break;
      case 'unanchored':
        for (const cand of r.candidates ?? []) {
          out.push({ title: l10n.t("Link the quote to coding '{0}' ({1}, {2})", cand.coding.code, cand.coding.coder, cand.coding.id), code: 'qda.quoteUnanchored', path, edits: [{ start: q.range.end, end: q.range.end, newText: `<!--qda:${cand.coding.id}-->` }], preferred: (r.candidates ?? []).length === 1 });
        }
        break;
      default:
        break;
    }
  }
  return out;
}

/** The coding's current words, cleaned for the quote's form (one line, inner quote marks swapped). */
function sourceTextOf(project: Project, c: Coding, q: ChapterQuote): string | undefined {
  const info = project.codingById(c.id);
  const text = project.texts.get(c.doc);
  let body: string;
  if (info?.anchored && text !== undefined) body = spokenText(text, project.transcripts.get(c.doc), c.start, c.end).text;
  else body = c.exact.replace(TIMESTAMP, ' ').replace(/\s+/g, ' ').trim();
  if (body === '') return undefined;
  if (q.open && q.close && q.open !== q.close) body = body.split(q.open).join('‘').split(q.close).join('’');
  return body;
}
