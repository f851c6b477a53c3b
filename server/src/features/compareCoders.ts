// qda/disagreements and qda/settleDisagreement: the Compare Coders view's list of places where
// two coders disagree, and the edits that settle one (the target's codings file and the
// decision log), as a WorkspaceEdit the client applies and can undo.
import * as l10n from '../core/text/l10n';
import type { CancellationToken } from 'vscode-languageserver';
import { throwIfCancelled } from '../cancellation';
import type { ServerWorkspace } from '../workspace';
import type { DisagreementsParams, DisagreementsResult, EditResult, SettleDisagreementParams } from '../protocol';
import { consensusLogPath, disagreementsOf, parseDecisionLog, settleDisagreement } from '../core/analysis/consensus';
import { agreementOfProject } from '../core/analysis/agreementProject';
import type { Operations } from '../operationReply';
import { markdownText } from '../core/text/markdownText';

const DEFAULT_CONSENSUS = { nb: 'konsensus', en: 'consensus' } as const;

async function logText(ws: ServerWorkspace, a: string, b: string, openText: (uri: string) => string | undefined): Promise<string | undefined> {
  const path = consensusLogPath(a, b);
  return openText(ws.uriOf(path)) ?? (await ws.project.fs.readText(path));
}

function coders(ws: ServerWorkspace): string[] {
  return [...new Set(ws.project.allCodings().map((i) => i.coding.coder))].sort();
}

export async function disagreements(ws: ServerWorkspace, p: DisagreementsParams, openText: (uri: string) => string | undefined, token?: CancellationToken): Promise<DisagreementsResult> {
  const project = ws.project;
  const consensus = project.config.consensus ?? DEFAULT_CONSENSUS[project.config.language];
  const all = coders(ws);
  const empty = { coders: all, consensus, items: [], settled: 0, percent: null, kappa: null, summaryMarkdown: '' };
  if (!all.includes(p.a) || !all.includes(p.b) || p.a === p.b) return { ...empty, error: l10n.t('Choose two coders with codings: {0}.', all.join(', ') || l10n.t('none yet')) };
  const log = parseDecisionLog((await logText(ws, p.a, p.b, openText)) ?? '');
  throwIfCancelled(token);
  const { items, settled } = disagreementsOf(project, p.a, p.b, log);
  const report = agreementOfProject(project, { coders: [p.a, p.b], unit: 'turn' });
  const rows = [...report.codes].sort((x, y) => (x.kappa ?? 2) - (y.kappa ?? 2) || (x.percent ?? 101) - (y.percent ?? 101) || x.code.localeCompare(y.code));
  const fmt = (x: number | null, d: number): string => (x === null ? '—' : x.toFixed(d));
  const summaryMarkdown = [
    `# ${markdownText(p.a)} ↔ ${markdownText(p.b)}`,
    '',
    `Units: speaker turns of ${report.documents.length} transcript(s) both coded. ${items.length} disagreement(s) open, ${settled} settled.`,
    '',
    `| Code | Agreement % | Cohen's κ | Krippendorff's α | ${markdownText(p.a)} | ${markdownText(p.b)} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${markdownText(r.code)} | ${fmt(r.percent, 1)} | ${fmt(r.kappa, 3)} | ${fmt(r.alpha, 3)} | ${r.codings[p.a]} | ${r.codings[p.b]} |`),
    `| **Overall** | ${fmt(report.overall.percent, 1)} | ${fmt(report.overall.kappa, 3)} | ${fmt(report.overall.alpha, 3)} | | |`,
    '',
  ].join('\n');
  const range = (doc: string, id: string): { id: string; range: ReturnType<ServerWorkspace['toRange']> } => {
    const c = project.codingById(id)!.coding;
    return { id, range: ws.toRange(doc, { start: c.start, end: c.end }) };
  };
  return {
    coders: all,
    consensus,
    settled,
    percent: report.overall.percent,
    kappa: report.overall.kappa,
    summaryMarkdown,
    items: items.map((d) => ({
      key: d.key,
      code: d.code,
      uri: ws.uriOf(d.doc),
      range: ws.toRange(d.doc, { start: d.start, end: d.end }),
      text: (project.textOf(d.doc) ?? '').slice(d.start, d.end),
      a: d.a.map((id) => range(d.doc, id)),
      b: d.b.map((id) => range(d.doc, id)),
    })),
  };
}

export async function settle(ops: Operations, p: SettleDisagreementParams, openText: (uri: string) => string | undefined): Promise<EditResult> {
  const ws = ops.ws;
  const project = ws.project;
  const text = await logText(ws, p.a, p.b, openText);
  const { items } = disagreementsOf(project, p.a, p.b, parseDecisionLog(text ?? ''));
  const d = items.find((x) => x.key === p.key);
  if (!d) return { error: l10n.t('That disagreement is no longer open (the codings changed or it was settled). Refresh the Compare Coders view.') };
  const consensus = project.config.consensus ?? DEFAULT_CONSENSUS[project.config.language];
  if (p.target !== p.a && p.target !== p.b && p.target !== consensus) return { error: l10n.t('Settle into {0}, {1} or the consensus coder {2}.', p.a, p.b, consensus) };
  // The codings and the decision log (.qda/consensus/, read from its own text) are both the
  // server's files: one write, one undo step.
  return ops.reply(() => settleDisagreement(project, p.a, p.b, d, p.decision, p.target, text), { origin: p.origin });
}
