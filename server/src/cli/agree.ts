// `qda agree --coders A,B[,C…] [--unit char|turn|segment] [--codes X,Y] [--domain GROUP]
// [--overlap 0.5] [--json] [folder]`: intercoder agreement per code and overall.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgreementInputError, agreementOfProject } from '../core/analysis/agreementProject';
import type { AgreementReport, AgreementUnit } from '../core/analysis/agreementUnits';
import type { AgreementReportMeta } from '../core/analysis/agreementReport';
import type { Project } from '../core/project/project';
import { CliError, loadProject, parseArgs, type CliIo, type ParsedArgs } from './io';
import { AGREE } from './options';

const UNITS: readonly AgreementUnit[] = ['char', 'turn', 'segment'];

/** Reads the agreement options shared by `agree` and `export agreement-*`, and computes the report. */
export async function agreementFromArgs(parsed: ParsedArgs, folder: string | undefined, io: CliIo): Promise<{ report: AgreementReport; project: Project; meta: AgreementReportMeta }> {
  const { flags } = parsed;
  const list = (name: string): string[] | undefined => flags.get(name)?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const coders = list('coders');
  if (!coders || coders.length < 2) throw new CliError('name two or more coders: --coders anna,bjorn');
  const unit = (flags.get('unit')?.at(-1) ?? 'turn') as AgreementUnit;
  if (!UNITS.includes(unit)) throw new CliError(`unknown unit '${unit}'; use ${UNITS.join(', ')}`);
  const overlapArg = flags.get('overlap')?.at(-1);
  const overlap = overlapArg === undefined ? undefined : Number(overlapArg);
  if (overlap !== undefined && !(overlap > 0 && overlap <= 1)) throw new CliError(`--overlap must be a number above 0 and at most 1, not '${overlapArg}'`);
  if (overlap !== undefined && unit !== 'segment') throw new CliError('--overlap applies to --unit segment');
  const domain = flags.get('domain')?.at(-1);
  if (domain !== undefined && unit === 'segment') throw new CliError('--domain compares by --unit char or turn');
  const project = await loadProject(folder, io);
  let report: AgreementReport;
  try {
    // The coding index is built on first use; that is loading the project, not comparing coders.
    project.allCodings();
    const t0 = performance.now();
    report = agreementOfProject(project, { coders, unit, codes: list('codes'), overlap, domain });
    // The benchmark reads the computation's own time (the project load is measured elsewhere).
    if (process.env.QDA_TIMINGS === '1') io.stderr(`qda-timing agree ${(performance.now() - t0).toFixed(2)}\n`);
  } catch (err) {
    if (err instanceof AgreementInputError) throw new CliError(err.message);
    throw err;
  }
  return { report, project, meta: { date: new Date().toISOString().slice(0, 10), ...gitState(path.resolve(io.cwd, folder ?? '.')) } };
}

/** The commit the codings were last committed at, and whether they have changed since. */
function gitState(root: string): { commit?: string; dirty?: boolean } {
  try {
    const run = (args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = run(['log', '-1', '--format=%H', '--', '.qda/codings']) || undefined;
    const dirty = run(['status', '--porcelain', '--', '.qda/codings']) !== '';
    return commit ? { commit, dirty } : {};
  } catch {
    return {};
  }
}

const pct = (x: number | null): string => (x === null ? '—' : x.toFixed(1) + ' %');
const dec = (x: number | null): string => (x === null ? '—' : (Math.abs(x) < 0.0005 ? 0 : x).toFixed(3));

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, AGREE);
  const { report } = await agreementFromArgs(parsed, parsed.positional[0], io);
  if (parsed.flags.has('json')) {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
  const kappa = report.coders.length === 2 ? "Cohen's κ" : "Fleiss' κ";
  io.stdout(`unit: ${report.unit}${report.overlap !== undefined ? ` (overlap ≥ ${report.overlap})` : ''}${report.domain ? `, domain: ${report.domain}` : ''}; coders: ${report.coders.join(', ')}\n`);
  io.stdout(`compared: ${report.documents.length} transcript(s)${report.omitted.length ? `; left out (not coded by every coder): ${report.omitted.map((o) => o.doc).join(', ')}` : ''}\n\n`);
  const rows = [
    ['code', 'units', 'agree', kappa, 'α', ...report.coders],
    ...report.codes.map((c) => [c.code, String(c.units), pct(c.percent), dec(c.kappa), dec(c.alpha), ...report.coders.map((k) => String(c.codings[k]))]),
    [report.domain ? `overall (${report.domain})` : 'overall', String(report.overall.units), pct(report.overall.percent), dec(report.overall.kappa), dec(report.overall.alpha), ...report.coders.map(() => '')],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  for (const r of rows) io.stdout(r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd() + '\n');
  const notes = report.codes.filter((c) => c.note);
  if (notes.length || report.overall.note) io.stdout('\n' + [...notes.map((c) => `${c.code}: ${c.note}`), ...(report.overall.note ? [`overall: ${report.overall.note}`] : [])].join('\n') + '\n');
  return 0;
}
