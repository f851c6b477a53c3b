// Publishes the project's domain diagnostics, converted to LSP only here at the edge.
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { QdaDiagnostic, Severity } from '../core/model';
import type { ServerWorkspace } from '../workspace';

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
  private published = new Set<string>();
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

  publishNow(): void {
    const all = this.ws.project.diagnostics();
    const next = new Set<string>();
    for (const [path, list] of all) {
      next.add(path);
      void this.connection.sendDiagnostics({ uri: this.ws.uriOf(path), diagnostics: list.map((d) => toLspDiagnostic(this.ws, d)) });
    }
    for (const path of this.published) {
      if (!next.has(path)) void this.connection.sendDiagnostics({ uri: this.ws.uriOf(path), diagnostics: [] });
    }
    this.published = next;
  }
}
