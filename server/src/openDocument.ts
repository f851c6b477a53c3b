// A document open in the editor, as the server follows it through didOpen/didChange (issue 13,
// point 6). Same offsets and line arithmetic as TextDocument from
// vscode-languageserver-textdocument 1.0.x (MIT, Microsoft), which the server used before,
// ported line for line: only the content is held as a PieceText instead of one string.
// TextDocument.update concatenates the new content and then reads characters of it (its CRLF
// check), which makes V8 copy the whole document into a new flat string on every keystroke —
// for a 1 MB transcript that copy was most of a keystroke's cost.
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { PieceText } from './core/text/pieceText';
import type { TextChange } from './core/anchoring';

const LF = 10;
const CR = 13;

export class OpenDocument {
  private content: PieceText;
  private lineOffsets: number[] | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.content = PieceText.from(text);
  }

  /** The current text; immutable (a later change makes a new PieceText), so safe to hand over. */
  get text(): PieceText {
    return this.content;
  }

  /** The whole text as one string (built once per version). */
  getText(): string {
    return this.content.toString();
  }

  /** As TextDocument.offsetAt. */
  offsetAt(position: Position): number {
    const lineOffsets = this.getLineOffsets();
    if (position.line >= lineOffsets.length) return this.content.length;
    if (position.line < 0) return 0;
    const lineOffset = lineOffsets[position.line];
    if (position.character <= 0) return lineOffset;
    const nextLineOffset = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this.content.length;
    const offset = Math.min(lineOffset + position.character, nextLineOffset);
    return this.ensureBeforeEOL(offset, lineOffset);
  }

  /**
   * Applies one LSP content change, as TextDocument.update does, and returns it in offsets of
   * the text just before it. The caller sets `version` after the last change.
   */
  apply(change: TextDocumentContentChangeEvent): TextChange {
    if (!('range' in change)) {
      const whole = { start: 0, end: this.content.length, text: change.text };
      this.content = PieceText.from(change.text);
      this.lineOffsets = undefined;
      return whole;
    }
    // makes sure start is before end
    const range = wellformed(change.range);
    const startOffset = this.offsetAt(range.start);
    const endOffset = this.offsetAt(range.end);
    this.content = this.content.edit(startOffset, endOffset, change.text);
    const out = { start: startOffset, end: endOffset, text: change.text };
    const insertedEndOffset = startOffset + change.text.length;
    const crlfAtStart = this.content.charCodeAt(startOffset - 1) === CR && this.content.charCodeAt(startOffset) === LF;
    const crlfAtEnd = this.content.charCodeAt(insertedEndOffset - 1) === CR && this.content.charCodeAt(insertedEndOffset) === LF;
    if (crlfAtStart || crlfAtEnd) {
      // A CRLF pair across an edit boundary is not included in the inserted text's line offsets.
      this.lineOffsets = undefined;
      return out;
    }
    const startLine = Math.max(range.start.line, 0);
    const endLine = Math.max(range.end.line, 0);
    let lineOffsets = this.lineOffsets!;
    const added = computeLineOffsets(change.text, false, startOffset);
    if (endLine - startLine === added.length) {
      for (let i = 0; i < added.length; i++) lineOffsets[i + startLine + 1] = added[i];
    } else if (added.length < 10000) {
      lineOffsets.splice(startLine + 1, endLine - startLine, ...added);
    } else {
      // avoid too many arguments for splice
      this.lineOffsets = lineOffsets = lineOffsets.slice(0, startLine + 1).concat(added, lineOffsets.slice(endLine + 1));
    }
    const diff = change.text.length - (endOffset - startOffset);
    if (diff !== 0) for (let i = startLine + 1 + added.length; i < lineOffsets.length; i++) lineOffsets[i] += diff;
    return out;
  }

  private getLineOffsets(): number[] {
    return (this.lineOffsets ??= computeLineOffsets(this.content.toString(), true));
  }

  private ensureBeforeEOL(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEOL(this.content.charCodeAt(offset - 1))) offset--;
    return offset;
  }
}

function computeLineOffsets(text: string, isAtLineStart: boolean, textOffset = 0): number[] {
  const result = isAtLineStart ? [textOffset] : [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isEOL(ch)) {
      if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
      result.push(textOffset + i + 1);
    }
  }
  return result;
}

function isEOL(ch: number): boolean {
  return ch === CR || ch === LF;
}

function wellformed(range: { start: Position; end: Position }): { start: Position; end: Position } {
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return { start: end, end: start };
  return range;
}
