// Quotes in chapters: navigation on a quote (definition → the transcript passage, hover →
// the surrounding turn with the quoted words in bold, references → the coding and every
// chapter quoting it), its quick fixes, and qda/formatQuote, qda/quotableSegments and
// qda/exportQuotes (inserting quotes from the tree, the "Find coded segment…" quick pick,
// and the quote bank).
import * as l10n from '../core/text/l10n';
import { CodeActionKind, MarkupKind, type CodeAction, type CodeActionParams, type Diagnostic, type Hover, type Location, type Position } from 'vscode-languageserver';
import type { CancellationToken } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { throwIfCancelled } from '../cancellation';
import type { ExportQuotesParams, ExportQuotesResult, FormatQuoteParams, FormatQuoteResult, QuotableSegment } from '../protocol';
import { formatQuote, quoteAt, quoteFixes, quoteInsertText, quotesOfCoding, type ResolvedQuote } from '../core/checks/quotes';
import { turnsOverlapping } from '../core/parse/transcript';
import { quoteBankDocx, quoteBankMarkdown } from '../core/export/quoteBank';
import { escapeMd } from '../hoverMarkdown';
import { segmentInfo } from './codebookTree';

// ---- navigation on a quote -----------------------------------------------------------------

function quoteUnder(ws: ServerWorkspace, uri: string, position: Position): ResolvedQuote | undefined {
  const path = ws.pathOf(uri);
  if (!path || ws.project.roleOf(path) !== 'chapter') return undefined;
  return quoteAt(ws.project, path, ws.toOffset(path, position));
}

/** Where a quote's words are: the matched passage, else the anchored coding. */
function sourceLocation(ws: ServerWorkspace, r: ResolvedQuote): Location | undefined {
  if (r.source) return { uri: ws.uriOf(r.source.doc), range: ws.toRange(r.source.doc, r.source) };
  const c = r.coding?.coding;
  if (c && ws.project.hasFile(c.doc)) return { uri: ws.uriOf(c.doc), range: ws.toRange(c.doc, c) };
  return undefined;
}

export function quoteDefinition(ws: ServerWorkspace, uri: string, position: Position): Location | undefined {
  const r = quoteUnder(ws, uri, position);
  return r && sourceLocation(ws, r);
}

/** A function, not a table: the texts are translated once the client's language is known. */
const STATUS = (status: ResolvedQuote['status']): string => {
  switch (status) {
    case 'ok':
      return l10n.t('✓ matches its source word for word');
    case 'mismatch':
      return l10n.t('✗ does not match its source');
    case 'wrongInformant':
      return l10n.t('✗ names the wrong informant');
    case 'crossSpeakers':
      return l10n.t('✗ runs across speakers');
    case 'missingCoding':
      return l10n.t('✗ its coding is gone');
    case 'unanchored':
      return l10n.t('found in a transcript, not linked to a coding');
    case 'noSource':
      return l10n.t('✗ found in no transcript');
  }
};

export function quoteHover(ws: ServerWorkspace, uri: string, position: Position): Hover | undefined {
  const r = quoteUnder(ws, uri, position);
  if (!r) return undefined;
  const path = ws.pathOf(uri)!;
  const lines: string[] = [];
  const c = r.coding?.coding;
  const head = c ? `**${escapeMd(c.code)}** · ${escapeMd(c.coder)} · \`${c.id}\`` : `**${l10n.t('Quote')}**`;
  lines.push(`${head} — ${STATUS(r.status)}`);
  if (r.status !== 'ok' && r.message) lines.push(escapeMd(r.message));
  const src = r.source ?? (c && r.coding?.anchored ? { doc: c.doc, start: c.start, end: c.end } : undefined);
  const text = src && ws.project.textOf(src.doc);
  const transcript = src && ws.project.transcriptOf(src.doc);
  if (src && text !== undefined && transcript) {
    const turns = turnsOverlapping(transcript.turns, src.start, src.end);
    for (const t of turns) {
      const line = ws.toRange(src.doc, { start: t.start, end: t.start }).start.line + 1;
      const s = Math.max(src.start, t.textStart);
      const e = Math.min(src.end, t.end);
      let before = text.slice(t.textStart, Math.max(t.textStart, s));
      let after = text.slice(Math.min(t.end, e), t.end);
      if (before.length > 400) before = '…' + before.slice(-400).replace(/^\S*\s/, '');
      if (after.length > 400) after = after.slice(0, 400).replace(/\s\S*$/, '') + '…';
      const quoted = s < e ? `**${escapeMd(text.slice(s, e).replace(/\s+/g, ' ').trim())}**` : '';
      lines.push(`*${escapeMd(t.label)}*${t.timestamp ? ` [${t.timestamp}]` : ''} · ${escapeMd(src.doc)}:${line}`);
      lines.push(`> ${escapeMd(before.replace(/\s+/g, ' ').trimStart())}${quoted}${escapeMd(after.replace(/\s+/g, ' ').trimEnd())}`);
    }
  } else if (c) {
    lines.push(`> ${escapeMd(c.exact.replace(/\s+/g, ' '))}`);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: ws.toRange(path, r.quote.range) };
}

/** References from a quote: its source passage and every quote of the same coding. */
export function quoteReferences(ws: ServerWorkspace, uri: string, position: Position): Location[] | undefined {
  const r = quoteUnder(ws, uri, position);
  if (!r) return undefined;
  const out: Location[] = [];
  const src = sourceLocation(ws, r);
  if (src) out.push(src);
  if (r.quote.anchorId) for (const q of quotesOfCoding(ws.project, r.quote.anchorId)) out.push({ uri: ws.uriOf(q.path), range: ws.toRange(q.path, q.quote.range) });
  return out;
}

/** Chapter quotes of the codings of a code (for find all references on a code or coding). */
export function quotesOfCodeLocations(ws: ServerWorkspace, code: string): Location[] {
  const out: Location[] = [];
  for (const info of ws.project.codingsOfCode(code)) {
    for (const q of quotesOfCoding(ws.project, info.coding.id)) out.push({ uri: ws.uriOf(q.path), range: ws.toRange(q.path, q.quote.range) });
  }
  return out;
}

// ---- quick fixes -----------------------------------------------------------------------------

/**
 * Quick fixes of a chapter's quotes. Core computes them from the current text (quoteFixes);
 * here they become code actions with WorkspaceEdits, attached to the diagnostics they answer.
 */
export function quoteCodeActions(ws: ServerWorkspace, params: CodeActionParams, versionOf: (uri: string) => number | null): CodeAction[] {
  const uri = params.textDocument.uri;
  const path = ws.pathOf(uri);
  if (!path || ws.project.roleOf(path) !== 'chapter') return [];
  const range = { start: ws.toOffset(path, params.range.start), end: ws.toOffset(path, params.range.end) };
  const byCode = new Map<string, Diagnostic[]>();
  for (const d of params.context.diagnostics) {
    if (typeof d.code !== 'string') continue;
    byCode.set(d.code, [...(byCode.get(d.code) ?? []), d]);
  }
  const version = versionOf(uri);
  return quoteFixes(ws.project, path, range).map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: byCode.get(fix.code),
    isPreferred: fix.preferred,
    edit: {
      documentChanges: [
        {
          textDocument: { uri: ws.uriOf(fix.path), version },
          edits: fix.edits.map((e) => ({ range: ws.toRange(fix.path, e), newText: e.newText })),
        },
      ],
    },
  }));
}

// ---- qda/formatQuote, qda/quotableSegments, qda/exportQuotes ----------------------------

export function formatQuoteRequestHandler(ws: ServerWorkspace, params: FormatQuoteParams): FormatQuoteResult {
  const project = ws.project;
  const target = params.uri !== undefined ? ws.pathOf(params.uri) : undefined;
  const chapter = target !== undefined && project.roleOf(target) === 'chapter';
  const info = project.codingById(params.id);
  if (!info) return { chapter, error: l10n.t('There is no coding {0}.', params.id) };
  const doc = info.coding.doc;
  const sub = params.range ? { start: ws.toOffset(doc, params.range.start), end: ws.toOffset(doc, params.range.end) } : undefined;
  const q = formatQuote(project, params.id, sub && sub.start < sub.end ? sub : undefined);
  if ('error' in q) return { chapter, error: q.error };
  let text = q.text;
  if (target !== undefined && params.position) {
    const chapterText = project.textOf(target) ?? '';
    text = quoteInsertText(chapterText, ws.toOffset(target, params.position), q);
  }
  return { chapter, text, form: q.form, informant: q.informant };
}

export function quotableSegments(ws: ServerWorkspace): QuotableSegment[] {
  const project = ws.project;
  return project
    .allCodings()
    .filter((i) => i.anchored)
    .sort((a, b) => (a.coding.doc < b.coding.doc ? -1 : a.coding.doc > b.coding.doc ? 1 : a.coding.start - b.coding.start))
    .map((info) => ({ ...segmentInfo(ws, info), categoryPath: project.findCode(info.coding.code)?.categoryPath ?? [] }));
}

export async function exportQuotes(ws: ServerWorkspace, params: ExportQuotesParams, token?: CancellationToken): Promise<ExportQuotesResult> {
  if (params.format === 'md') {
    const { text, segments } = quoteBankMarkdown(ws.project);
    return { text, segments };
  }
  const { bytes, segments } = await quoteBankDocx(ws.project);
  throwIfCancelled(token);
  return { base64: Buffer.from(bytes).toString('base64'), segments };
}
