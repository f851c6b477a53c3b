// The plumbing every analysis webview (Framework Matrix, Coded Segments, Charts) shares, in one
// place: the host of the page (an editor panel, or a view in the Thesis QDA side bar: see
// WebviewHost), the page's shell with its strict Content-Security-Policy, the "ready" and
// "rendered" handshake with the page, the refresh after an edit, and disposal.
//
// The protocol with a page:
//   page → extension  { type: 'ready' }            its script has loaded (again, after the panel
//                                                    was hidden: no retained context, the page is
//                                                    rebuilt when shown and asks for the data);
//                     { type: 'rendered', rendered } what it drew (for tests, which cannot look
//                                                    inside a webview, and the first-paint bench);
//                     anything else goes to the panel's onMessage.
//   extension → page  whatever the panel posts once the page is ready (post() waits for it).
//
// The page: a nonce for its one script and one style, no network (connect-src, font-src and
// img-src 'none' unless a page asks for blob: images), and every value built with textContent
// by the `el` helper of the script's prelude, so a name holding HTML stays text.
import * as vscode from 'vscode';
import type { QdaConnection } from './connection';

export type PageMessage = { type: string; [k: string]: unknown };

export interface PanelOptions {
  viewType: string;
  title: string;
  column: vscode.ViewColumn;
  enableFindWidget?: boolean;
}

export interface PageParts {
  /** The UI's words, handed to the page as data (never as markup): `L` in the script. */
  labels: Record<string, string>;
  /** The page's own CSS, after the shared rules for the body. */
  style: string;
  /** The body's markup: fixed containers only, never a value. */
  body: string;
  /** The page's script, after the prelude (`vscode`, `L`, `el`, `format`, `select`, `keepFocus`). */
  script: string;
  /** Sources images may come from (the Charts page draws its PNG from a blob: URL). */
  imgSrc?: string;
}

/** The language of the page's <html lang>: Norwegian bokmål when VS Code runs in it. */
function pageLanguage(): string {
  return vscode.env.language.startsWith('nb') || vscode.env.language.startsWith('no') ? 'nb' : 'en';
}

function makeNonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The whole page: CSP with a fresh nonce, the shared style and script prelude, the page's parts. */
export function pageHtml(parts: PageParts): string {
  const nonce = makeNonce();
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${parts.imgSrc ?? "'none'"}; font-src 'none'; connect-src 'none'`;
  return `<!DOCTYPE html>
<html lang="${pageLanguage()}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
  label { display: flex; gap: 6px; align-items: center; }
${parts.style}
</style>
</head>
<body>
${parts.body}
<script nonce="${nonce}">
(() => {
  const vscode = acquireVsCodeApi();
  const L = ${JSON.stringify(parts.labels).replace(/</g, '\\u003c')};
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('aria') || ['role', 'scope', 'value', 'id', 'for', 'tabindex', 'type', 'placeholder'].includes(k)) e.setAttribute(k.replace(/^aria([A-Z])/, (m, c) => 'aria-' + c.toLowerCase()), v);
      else e[k] = v;
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c);
    return e;
  };
  const format = (template, ...args) => template.replace(/\\{(\\d+)\\}/g, (m, i) => String(args[Number(i)]));
  // A labelled dropdown; send() gets its value when the user changes it.
  const select = (id, label, options, value, send) => {
    const s = el('select', { id });
    for (const [v, text] of options) s.append(el('option', { value: v, text }));
    s.value = String(value);
    s.addEventListener('change', () => send(s.value));
    return el('label', { for: id }, el('span', { text: label }), s);
  };
  // Redrawing replaces the controls: the one that had the focus (a dropdown just changed with
  // the keyboard) gets it back by its id, so keyboard and screen-reader users stay in place.
  const keepFocus = (draw) => {
    const id = document.activeElement && document.activeElement !== document.body ? document.activeElement.id : '';
    draw();
    const again = id && document.getElementById(id);
    if (again && document.activeElement !== again) again.focus();
  };
${parts.script}
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
}

/**
 * Where a page lives: a webview panel in the editor area, or a webview view (a view of the
 * Thesis QDA container). The page, its protocol and its refresh are the same in both; only
 * showing, visibility and disposal differ, and this is all AnalysisPanel reads of its host.
 */
export interface WebviewHost {
  readonly webview: vscode.Webview;
  /** Whether the page is on screen (a hidden page is destroyed: it says 'ready' when shown again). */
  readonly visible: boolean;
  /** The editor column of a panel; undefined for a view. */
  readonly viewColumn: vscode.ViewColumn | undefined;
  readonly onDidChangeVisibility: vscode.Event<void>;
  readonly onDidDispose: vscode.Event<void>;
  /** Brings the page into view (a panel to the front of its group, a view opened in its container). */
  reveal(preserveFocus?: boolean): void;
  dispose(): void;
}

/** A new webview panel in the editor area as a host. */
export function panelHost(options: PanelOptions): WebviewHost {
  const panel = vscode.window.createWebviewPanel(options.viewType, options.title, options.column, {
    enableScripts: true,
    ...(options.enableFindWidget ? { enableFindWidget: true } : {}),
    retainContextWhenHidden: false,
    localResourceRoots: [],
  });
  return {
    webview: panel.webview,
    get visible() { return panel.visible; },
    get viewColumn() { return panel.viewColumn; },
    onDidChangeVisibility: (listener, thisArg, disposables) => panel.onDidChangeViewState(() => listener.call(thisArg), undefined, disposables),
    onDidDispose: panel.onDidDispose,
    reveal: (preserveFocus) => panel.reveal(undefined, preserveFocus),
    dispose: () => panel.dispose(),
  };
}

/**
 * A webview view VS Code resolved (WebviewViewProvider.resolveWebviewView) as a host. Its
 * context is not retained either: the extension keeps the page's state and sends it again.
 */
export function viewHost(view: vscode.WebviewView): WebviewHost {
  view.webview.options = { enableScripts: true, localResourceRoots: [] };
  return {
    webview: view.webview,
    get visible() { return view.visible; },
    viewColumn: undefined,
    onDidChangeVisibility: view.onDidChangeVisibility,
    onDidDispose: view.onDidDispose,
    reveal: (preserveFocus) => view.show(preserveFocus),
    // A view is VS Code's to close (the user hides it); the extension only lets go of it.
    dispose: () => undefined,
  };
}

/**
 * One analysis webview, in a panel or a view. A subclass gives the page and handles its own
 * messages; this class keeps the page's readiness, its reports, and the refresh after an edit
 * (debounced, and none while the page is hidden: it is gone, and asks again when shown).
 */
export abstract class AnalysisPanel<Rendered extends { seq?: number }> implements vscode.Disposable {
  /** The panel or view the page is in. */
  readonly panel: WebviewHost;
  /** What the page last reported it drew. */
  rendered: Rendered | undefined;
  /**
   * performance.now() stamps for the first-paint bench: the panel made, data last posted to the
   * page, the page's last report that it drew.
   */
  readonly timings = { created: performance.now(), posted: 0, rendered: 0 };
  /** Times refresh() ran because the project changed (tests: none while the page is hidden). */
  liveRefreshes = 0;
  /** The project changed while the page was hidden (it is brought up to date when shown). */
  stale = false;
  protected readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  /** Whether the page was ever sent data (a page rebuilt after being hidden then asks again). */
  private sent = false;
  private readonly readyWaiters: Array<() => void> = [];
  private readonly renderWaiters: Array<(r: Rendered) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** The number of the last data message sent; the page reports it with what it drew (`seq`). */
  private dataSeq = 0;

  /** `host`: panel options (a new editor panel), or the host of a view VS Code resolved. */
  protected constructor(protected readonly connection: QdaConnection, host: PanelOptions | WebviewHost, page: PageParts) {
    this.panel = 'webview' in host ? host : panelHost(host);
    this.panel.webview.html = pageHtml(page);
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: PageMessage) => void this.receive(m)),
      this.panel.onDidChangeVisibility(() => {
        // The page is rebuilt when shown again (no retained context): it says ready, and the
        // 'ready' handler sends it what it showed, up to date.
        if (!this.panel.visible) {
          this.ready = false;
          // A refresh still waiting for its debounce would count for a hidden page: drop it and
          // let the page ask when shown.
          if (this.timer) {
            clearTimeout(this.timer);
            this.timer = undefined;
            this.stale = true;
          }
        } else this.stale = false;
      }),
      connection.onIndexChanged(() => {
        // No recount for every coding made while the page is hidden: it asks when shown.
        if (!this.panel.visible) {
          this.stale = true;
          return;
        }
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (!this.panel.visible) {
            this.stale = true;
            return;
          }
          this.liveRefreshes++;
          void this.refresh();
        }, 300);
      }),
    );
  }

  /** Whether a refresh after an edit is waiting for its debounce (tests: none while hidden). */
  get refreshPending(): boolean {
    return this.timer !== undefined;
  }

  /** Asks the server again with the current parameters and sends the answer to the page. */
  protected abstract refresh(): Promise<unknown>;

  /** A message of the page other than 'ready' and 'rendered'. */
  protected abstract onMessage(m: PageMessage): Promise<void>;

  /** Handles a message of the page (tests hand it the same messages a click or a typed query sends). */
  async receive(m: PageMessage): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      const waiting = this.readyWaiters.splice(0);
      for (const w of waiting) w();
      // A page shown again after being hidden asks for what it showed.
      if (!waiting.length && this.sent) await this.refresh();
    } else if (m.type === 'rendered') {
      this.timings.rendered = performance.now();
      this.rendered = m.rendered as Rendered;
      for (const w of this.renderWaiters.splice(0)) w(this.rendered);
    } else {
      await this.onMessage(m);
    }
  }

  /** Resolves with what the page reports after its next drawing. */
  nextRender(): Promise<Rendered> {
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /**
   * Resolves once the page has drawn the latest data sent to it, not an earlier message still on
   * its way (a refresh after an edit, posted just before, is drawn first and reported too).
   */
  async drawn(): Promise<Rendered> {
    while (this.rendered?.seq !== this.dataSeq) await this.nextRender();
    return this.rendered;
  }

  /** Sends a message to the page once it is ready to take it. */
  protected async post(message: PageMessage): Promise<boolean> {
    if (!this.ready) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    this.sent = true;
    this.timings.posted = performance.now();
    // Numbered once ready, in the order the page gets them: drawn() waits for the last number.
    return this.panel.webview.postMessage(message.type === 'data' ? { ...message, seq: ++this.dataSeq } : message);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}
