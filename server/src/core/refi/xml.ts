// A small XML writer: every name a user can type goes through these escapes. Characters XML 1.0
// cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped from
// names and descriptions; source texts travel as separate UTF-8 files and are not affected.

const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(s: string): string {
  return s.replace(INVALID, '');
}

export function escapeText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export type Attrs = Record<string, string | number | boolean | undefined>;

/** Builds indented XML line by line; `open`/`close` nest, `leaf` writes a self-closing or text element. */
export class XmlWriter {
  private readonly lines: string[] = ['<?xml version="1.0" encoding="utf-8" standalone="yes"?>'];
  private depth = 0;

  private attrs(attrs: Attrs): string {
    let s = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${escapeAttr(String(v))}"`;
    return s;
  }

  open(name: string, attrs: Attrs = {}): this {
    this.lines.push(`${'  '.repeat(this.depth)}<${name}${this.attrs(attrs)}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.lines.push(`${'  '.repeat(this.depth)}</${name}>`);
    return this;
  }

  leaf(name: string, attrs: Attrs = {}, text?: string): this {
    const pad = '  '.repeat(this.depth);
    this.lines.push(text === undefined ? `${pad}<${name}${this.attrs(attrs)}/>` : `${pad}<${name}${this.attrs(attrs)}>${escapeText(text)}</${name}>`);
    return this;
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}
