// Publishes the project's domain diagnostics, converted to LSP only here at the edge.
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { QdaDiagnostic, Severity } from '../core/model/model';
import type { ServerWorkspace } from '../workspace';
import { projectDiagnostics } from '../core/checks/diagnostics';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(ws: ServerWorkspace, d: QdaDiagnostic): Diagnostic {
  return {
    range: ws.toRange(d.path, d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'qda',
    message: d.message,
    data: d.data,
  };
}

export class DiagnosticsPublisher {
  /** What was last sent for each file, as JSON: a pass sends only the lists that changed. */
  private published = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly connection: Connection, private readonly ws: ServerWorkspace) {}

  /** Publishes soon; a burst of changes costs one pass. */
  schedule(delayMs = 100): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishNow();
    }, delayMs);
  }

  /**
   * Computes every file's diagnostics and sends the lists that differ from what the editor
   * has. A project has hundreds of files with diagnostics (each coder's codings files, the
   * transcripts with orphans); re-sending all of them after every change made VS Code
   * process them all again for one changed list.
   */
  publishNow(): void {
    const all = projectDiagnostics(this.ws.project);
    const next = new Map<string, string>();
    for (const [path, list] of all) {
      const diagnostics = list.map((d) => toLspDiagnostic(this.ws, d));
      const json = JSON.stringify(diagnostics);
      next.set(path, json);
      if (this.published.get(path) !== json) void this.connection.sendDiagnostics({ uri: this.ws.uriOf(path), diagnostics });
    }
    for (const path of this.published.keys()) {
      if (!next.has(path)) void this.connection.sendDiagnostics({ uri: this.ws.uriOf(path), diagnostics: [] });
    }
    this.published = next;
  }
}
