// qda/disagreements, qda/disagreementStep, qda/agreementSummary and qda/settleDisagreement: the
// Compare Coders view's list of places where two coders disagree (counts per code and one page
// at a time), next/previous by position, the agreement figures, and the edits that settle one
// place (the target's codings file and the decision log), as a WorkspaceEdit the client applies
// and can undo.
import * as l10n from '../core/text/l10n';
import type { CancellationToken } from 'vscode-languageserver';
import { RESTARTS, runSliced, throwIfCancelled } from '../cancellation';
import type { Operations } from '../operationReply';
import type { ServerWorkspace } from '../workspace';
import { DISAGREEMENTS_PAGE_MAX } from '../protocol';
import type { AgreementSummaryResult, DisagreementInfo, DisagreementsParams, DisagreementsResult, DisagreementStepParams, DisagreementStepResult, EditResult, SettleDisagreementParams } from '../protocol';
import { compareCodersSteps, consensusLogPath, parseDecisionLog, positionOfKey, settleDisagreement, type Comparison, type Disagreement } from '../core/analysis/consensus';
import { agreementOfProjectSteps } from '../core/analysis/agreementProject';
import type { AgreementReport } from '../core/analysis/agreementUnits';
import { markdownText } from '../core/text/markdownText';

const DEFAULT_CONSENSUS = { nb: 'konsensus', en: 'consensus' } as const;

async function logText(ws: ServerWorkspace, a: string, b: string, openText: (uri: string) => string | undefined): Promise<string | undefined> {
  const path = consensusLogPath(a, b);
  return openText(ws.uriOf(path)) ?? (await ws.project.fs.readText(path));
}

const codersKept = new WeakMap<ServerWorkspace, { version: number; coders: string[] }>();
function coders(ws: ServerWorkspace): string[] {
  const was = codersKept.get(ws);
  if (was && was.version === ws.project.version) return was.coders;
  const list = [...new Set(ws.project.allCodings().map((i) => i.coding.coder))].sort();
  codersKept.set(ws, { version: ws.project.version, coders: list });
  return list;
}

// The comparison of a coder pair is kept between requests: the view pages through it and steps
// through it one place at a time, and on the bench corpus computing it is most of the cost of a
// request. It is valid for one version of the index and one text of the pair's decision log
// (which the index does not hold); any change of either computes it again on the next request.
interface Kept {
  version: number;
  log: string;
  comparison: Comparison;
  summary?: AgreementSummaryResult;
}
/** Pairs kept per workspace: a few, as the analyst switches between pairs. */
const KEPT_PAIRS = 4;
const kept = new WeakMap<ServerWorkspace, Map<string, Kept>>();

async function comparisonOf(ws: ServerWorkspace, a: string, b: string, openText: (uri: string) => string | undefined, token?: CancellationToken): Promise<Kept> {
  const log = (await logText(ws, a, b, openText)) ?? '';
  let pairs = kept.get(ws);
  if (!pairs) kept.set(ws, (pairs = new Map()));
  const pair = `${a}\u0000${b}`;
  const was = pairs.get(pair);
  // Read after the await: the version the comparison is computed from.
  let version = ws.project.version;
  if (was && was.version === version && was.log === log) {
    // Most recently used last, so that the first entry is the one to forget.
    pairs.delete(pair);
    pairs.set(pair, was);
    return was;
  }
  // In slices (cancellation.ts); a start after a change computes on, and is kept for, the new version.
  const decisions = parseDecisionLog(log);
  const comparison = await runSliced(() => ((version = ws.project.version), compareCodersSteps(ws.project, a, b, decisions)), token, () => ws.project.version);
  const entry: Kept = { version, log, comparison };
  pairs.delete(pair);
  pairs.set(pair, entry);
  while (pairs.size > KEPT_PAIRS) pairs.delete(pairs.keys().next().value!);
  return entry;
}

function consensusOf(ws: ServerWorkspace): string {
  const config = ws.project.config;
  return config.consensus ?? DEFAULT_CONSENSUS[config.language];
}

/** Why a pair cannot be compared, or undefined when it can. */
function pairError(all: string[], a: string, b: string): string | undefined {
  return !all.includes(a) || !all.includes(b) || a === b ? l10n.t('Choose two coders with codings: {0}.', all.join(', ') || l10n.t('none yet')) : undefined;
}

function info(ws: ServerWorkspace, d: Disagreement): DisagreementInfo {
  const project = ws.project;
  const range = (id: string): { id: string; range: ReturnType<ServerWorkspace['toRange']> } => {
    const c = project.codingById(id)!.coding;
    return { id, range: ws.toRange(d.doc, { start: c.start, end: c.end }) };
  };
  return {
    key: d.key,
    code: d.code,
    uri: ws.uriOf(d.doc),
    range: ws.toRange(d.doc, { start: d.start, end: d.end }),
    text: (project.textOf(d.doc) ?? '').slice(d.start, d.end),
    a: d.a.map(range),
    b: d.b.map(range),
  };
}

/** The per-code counts and one page of the comparison (DisagreementsParams says which). */
export async function disagreements(ws: ServerWorkspace, p: DisagreementsParams, openText: (uri: string) => string | undefined, token?: CancellationToken): Promise<DisagreementsResult> {
  const all = coders(ws);
  const consensus = consensusOf(ws);
  const error = pairError(all, p.a, p.b);
  if (error) return { coders: all, consensus, total: 0, codes: [], offset: 0, items: [], settled: 0, error };
  const { comparison } = await comparisonOf(ws, p.a, p.b, openText, token);
  throwIfCancelled(token);
  const { items, codes, settled } = comparison;
  // The page's bounds in the whole order: from the start, or within one code's share of it.
  const share = p.code === undefined ? { first: 0, count: items.length } : (codes.find((c) => c.code === p.code) ?? { first: 0, count: 0 });
  const limit = Math.max(0, Math.min(DISAGREEMENTS_PAGE_MAX, Math.floor(p.limit ?? DISAGREEMENTS_PAGE_MAX)));
  const offset = Math.max(0, Math.min(share.count, Math.floor(p.offset ?? 0)));
  const page = items.slice(share.first + offset, share.first + Math.min(share.count, offset + limit));
  return { coders: all, consensus, total: items.length, codes, offset, items: page.map((d) => info(ws, d)), settled };
}

/** Next, previous or the same place, by position in the kept comparison (DisagreementStepParams). */
export async function disagreementStep(ws: ServerWorkspace, p: DisagreementStepParams, openText: (uri: string) => string | undefined): Promise<DisagreementStepResult> {
  if (pairError(coders(ws), p.a, p.b)) return { item: null, index: -1, total: 0 };
  const { comparison } = await comparisonOf(ws, p.a, p.b, openText);
  const total = comparison.items.length;
  const step = Math.trunc(p.step) || 0;
  let index: number;
  if (p.from === undefined) {
    if (step === 0 || total === 0) return { item: null, index: -1, total };
    index = step > 0 ? step - 1 : total + step;
  } else {
    const at = positionOfKey(comparison, p.from);
    // From a place no longer open, the walk goes on from where it stood: "next" is the
    // disagreement now at its position, "previous" the one before.
    if (step === 0 || total === 0) return at.found ? { item: info(ws, comparison.items[at.index]), index: at.index, total } : { item: null, index: at.index, total };
    index = at.found || step < 0 ? at.index + step : at.index + step - 1;
  }
  index = ((index % total) + total) % total;
  return { item: info(ws, comparison.items[index]), index, total };
}

/** The agreement figures and the per-code table of the summary (slower: every turn is a unit). */
export async function agreementSummary(ws: ServerWorkspace, p: { a: string; b: string }, openText: (uri: string) => string | undefined, token?: CancellationToken): Promise<AgreementSummaryResult> {
  const error = pairError(coders(ws), p.a, p.b);
  if (error) return { percent: null, kappa: null, summaryMarkdown: '', error };
  let entry: Kept;
  let report: AgreementReport;
  // The comparison and the agreement of one version: when the project changed between the two
  // (each runs in slices), both again — a few times, then the figures are shown as they came.
  for (let attempt = 1; ; attempt++) {
    entry = await comparisonOf(ws, p.a, p.b, openText, token);
    if (entry.summary) return entry.summary;
    throwIfCancelled(token);
    report = await runSliced(() => agreementOfProjectSteps(ws.project, { coders: [p.a, p.b], unit: 'turn' }), token, () => ws.project.version);
    if (entry.version === ws.project.version || attempt === RESTARTS) break;
  }
  const { items, settled } = entry.comparison;
  const rows = [...report.codes].sort((x, y) => (x.kappa ?? 2) - (y.kappa ?? 2) || (x.percent ?? 101) - (y.percent ?? 101) || x.code.localeCompare(y.code));
  const fmt = (x: number | null, d: number): string => (x === null ? '—' : x.toFixed(d));
  const summaryMarkdown = [
    `# ${markdownText(p.a)} ↔ ${markdownText(p.b)}`,
    '',
    l10n.t('Units: speaker turns of {0} transcript(s) both coded. {1} disagreement(s) open, {2} settled.', report.documents.length, items.length, settled),
    '',
    l10n.t("| Code | Agreement % | Cohen's κ | Krippendorff's α | {0} | {1} |", markdownText(p.a), markdownText(p.b)),
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${markdownText(r.code)} | ${fmt(r.percent, 1)} | ${fmt(r.kappa, 3)} | ${fmt(r.alpha, 3)} | ${r.codings[p.a]} | ${r.codings[p.b]} |`),
    `| **${l10n.t('Overall')}** | ${fmt(report.overall.percent, 1)} | ${fmt(report.overall.kappa, 3)} | ${fmt(report.overall.alpha, 3)} | | |`,
    '',
  ].join('\n');
  entry.summary = { percent: report.overall.percent, kappa: report.overall.kappa, summaryMarkdown };
  return entry.summary;
}

export async function settle(ops: Operations, p: SettleDisagreementParams, openText: (uri: string) => string | undefined): Promise<EditResult> {
  const ws = ops.ws;
  const project = ws.project;
  const text = await logText(ws, p.a, p.b, openText);
  const all = coders(ws);
  if (!all.includes(p.a) || !all.includes(p.b) || p.a === p.b) return { error: pairError(all, p.a, p.b) };
  const { comparison } = await comparisonOf(ws, p.a, p.b, openText);
  const at = positionOfKey(comparison, p.key);
  const d = at.found ? comparison.items[at.index] : undefined;
  if (!d) return { error: l10n.t('That disagreement is no longer open (the codings changed or it was settled). Refresh the Compare Coders view.') };
  const consensus = consensusOf(ws);
  if (p.target !== p.a && p.target !== p.b && p.target !== consensus) return { error: l10n.t('Settle into {0}, {1} or the consensus coder {2}.', p.a, p.b, consensus) };
  // The codings and the decision log (.qda/consensus/, read from its own text) are both the
  // server's files: one write, one undo step.
  return ops.reply(() => settleDisagreement(project, p.a, p.b, d, p.decision, p.target, text), { origin: p.origin });
}
