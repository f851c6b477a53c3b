// A minimal LSP client for the benchmark: spawns the built server over stdio and speaks
// JSON-RPC to it directly (Content-Length framing), with as little client overhead as
// possible so that the timings are the server's.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export class LspServer {
  constructor(serverPath, root, { execArgv = [], env } = {}) {
    this.root = root;
    this.t0 = performance.now();
    this.child = spawn(process.execPath, [...execArgv, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    this.pid = this.child.pid;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.stderr = '';
    this.buf = Buffer.alloc(0);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.child.stderr.on('data', (d) => (this.stderr += d.toString()));
    this.child.stdout.on('data', (d) => this.onData(d));
  }

  uri(rel) {
    return pathToFileURL(this.root + '/' + rel).href;
  }

  onData(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, headerEnd).toString('ascii'));
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const body = this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(msg) {
    const now = performance.now();
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { data: msg.error }));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // Server → client requests (client/registerCapability, workspace/configuration, …).
      this.write({ jsonrpc: '2.0', id: msg.id, result: null });
      return;
    }
    for (const fn of this.listeners.get(msg.method) ?? []) fn(msg.params, now);
  }

  on(method, fn) {
    const list = this.listeners.get(method) ?? [];
    list.push(fn);
    this.listeners.set(method, list);
    return () => list.splice(list.indexOf(fn), 1);
  }

  /** Resolves with [params, time] of the next notification of `method` that passes `test`. */
  next(method, test = () => true, timeoutMs = 120000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timeout waiting for ${method}`));
      }, timeoutMs);
      const off = this.on(method, (params, t) => {
        if (!test(params)) return;
        clearTimeout(timer);
        off();
        resolve([params, t]);
      });
    });
  }

  write(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  async initialize(coder = 'anna') {
    const ready = this.next('qda/ready');
    await this.request('initialize', {
      processId: process.pid,
      rootUri: this.uri('').replace(/\/$/, ''),
      workspaceFolders: [{ uri: this.uri('').replace(/\/$/, ''), name: 'bench' }],
      capabilities: { workspace: { workspaceEdit: { documentChanges: true }, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { synchronization: { didSave: true } } },
      initializationOptions: { coder },
    });
    this.notify('initialized', {});
    const [params, t] = await ready;
    this.readyAt = t;
    return params;
  }

  /** Peak resident set (VmHWM) and current RSS of the server process, in MB. */
  memory() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
  }

  async shutdown() {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
      this.notify('exit', null);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  kill() {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Maps UTF-16 offsets to LSP positions and back (as VS Code's TextDocument does). */
export class Lines {
  constructor(text) {
    this.text = text;
    this.starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  positionAt(o) {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }
  offsetAt(p) {
    return Math.min(this.starts[p.line] + p.character, this.text.length);
  }
}

/** Applies LSP TextEdits (non-overlapping) to a text. */
export function applyTextEdits(text, edits) {
  const lines = new Lines(text);
  const offs = edits.map((e) => ({ s: lines.offsetAt(e.range.start), e: lines.offsetAt(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of offs) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
