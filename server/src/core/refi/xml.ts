// A small XML writer: every name a user can type goes through these escapes. Characters XML 1.0
// cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped from
// names and descriptions; source texts travel as separate UTF-8 files and are not affected.

const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(s: string): string {
  return s.replace(INVALID, '');
}

/** Anything escapeText or escapeAttr would change; most names and descriptions have none. */
const SPECIAL = /[\u0000-\u001F&<>"\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Builds indented XML line by line; `open`/`close` nest, `leaf` writes a self-closing or text
 * element. Lines are joined into one flat string every few thousand: each line is built by
 * concatenation, which V8 keeps as a tree of string pieces until flattened, and 600,000 such
 * trees (the bench corpus's project.qde) were ~250 MB of an export's peak.
 */
export class XmlWriter {
  private lines: string[] = ['<?xml version="1.0" encoding="utf-8" standalone="yes"?>'];
  private readonly chunks: string[] = [];
  private depth = 0;
  private readonly pads: string[] = [''];

  private attrs(attrs: Attrs): string {
    let s = '';
    for (const k in attrs) {
      const v = attrs[k];
      if (v !== undefined) s += ` ${k}="${typeof v === 'string' ? escapeAttr(v) : String(v)}"`;
    }
    return s;
  }

  private pad(): string {
    while (this.pads.length <= this.depth) this.pads.push('  '.repeat(this.pads.length));
    return this.pads[this.depth];
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= 4096) {
      this.chunks.push(this.lines.join('\n'));
      this.lines = [];
    }
  }

  open(name: string, attrs: Attrs = {}): this {
    this.push(`${this.pad()}<${name}${this.attrs(attrs)}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.push(`${this.pad()}</${name}>`);
    return this;
  }

  leaf(name: string, attrs: Attrs = {}, text?: string): this {
    const pad = this.pad();
    this.push(text === undefined ? `${pad}<${name}${this.attrs(attrs)}/>` : `${pad}<${name}${this.attrs(attrs)}>${escapeText(text)}</${name}>`);
    return this;
  }

  /** The document in pieces that concatenate to toString(), for writing without one big string. */
  parts(): string[] {
    const all = this.lines.length > 0 ? [...this.chunks, this.lines.join('\n')] : [...this.chunks];
    return all.map((c) => c + '\n');
  }

  toString(): string {
    return this.parts().join('');
  }
}
