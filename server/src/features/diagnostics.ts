// Publishes the project's domain diagnostics, converted to LSP only here at the edge.
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { QdaDiagnostic, Severity } from '../core/model/model';
import type { ServerWorkspace } from '../workspace';
import { projectDiagnostics, projectDiagnosticsSteps } from '../core/checks/diagnostics';
import type { QdaDiagnostic as Gathered } from '../core/model/model';
import { runSliced } from '../cancellation';

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
  /** A pass in slices is under way; `again`: the project changed once more meanwhile. */
  private running = false;
  private again = false;

  constructor(private readonly connection: Connection, private readonly ws: ServerWorkspace) {}

  /**
   * Publishes soon; a burst of changes costs one pass. The pass runs in slices (cancellation.ts):
   * on the bench corpus it takes ~100–150 ms after each burst of keystrokes, and in one piece
   * it held up the next keystroke and its hover for as long.
   */
  schedule(delayMs = 100): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.publishInSlices();
    }, delayMs);
  }

  private async publishInSlices(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      const project = this.ws.project;
      this.send(await runSliced(() => projectDiagnosticsSteps(project), undefined, () => project.version));
    } catch (err) {
      this.connection.console.error(`qda diagnostics: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    }
  }

  /**
   * Computes every file's diagnostics and sends the lists that differ from what the editor
   * has. A project has hundreds of files with diagnostics (each coder's codings files, the
   * transcripts with orphans); re-sending all of them after every change made VS Code
   * process them all again for one changed list.
   */
  publishNow(): void {
    this.send(projectDiagnostics(this.ws.project));
  }

  private send(all: Map<string, Gathered[]>): void {
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
