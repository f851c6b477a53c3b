// `qda check [--json] [folder]`: every diagnostic the editor would show; exit 1 on errors.
import { LineIndex } from '../core/text/text';
import type { QdaDiagnostic } from '../core/model/model';
import { loadProject, parseArgs, type CliIo } from './io';
import { CHECK } from './options';
import { projectDiagnostics } from '../core/checks/diagnostics';

export interface CheckJson {
  diagnostics: Array<{ path: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }>;
  summary: { errors: number; warnings: number; information: number; hints: number };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(args, CHECK);
  const project = await loadProject(positional[0], io, { warnings: false });
  const all: QdaDiagnostic[] = [];
  for (const [, list] of [...projectDiagnostics(project)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) all.push(...list);
  const indexes = new Map<string, LineIndex>();
  const rows = all.map((d) => {
    let li = indexes.get(d.path);
    if (!li) indexes.set(d.path, (li = new LineIndex(project.textOf(d.path) ?? '')));
    const s = li.positionAt(d.range.start);
    const e = li.positionAt(d.range.end);
    return { path: d.path, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: d.severity, code: d.code, message: d.message };
  });
  const summary = {
    errors: rows.filter((r) => r.severity === 'error').length,
    warnings: rows.filter((r) => r.severity === 'warning').length,
    information: rows.filter((r) => r.severity === 'information').length,
    hints: rows.filter((r) => r.severity === 'hint').length,
  };
  if (flags.has('json')) {
    const out: CheckJson = { diagnostics: rows, summary };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const r of rows) io.stdout(`${r.path}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}\n`);
    io.stdout(`${summary.errors} errors, ${summary.warnings} warnings, ${summary.information + summary.hints} notes\n`);
  }
  return summary.errors > 0 ? 1 : 0;
}
