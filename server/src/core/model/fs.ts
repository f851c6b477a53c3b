// The file-system boundary of core. Core never touches node:fs directly, so tests can run
// every parser, the store and the index on an in-memory folder.
// Paths are folder-relative, POSIX style ("transcripts/FL1.md").

export interface FileSystem {
  /**
   * Text of a file decoded as UTF-8 without its byte-order mark, or undefined when it does
   * not exist. Offsets into it are the editor's: VS Code shows (and sends) a file's text
   * without the BOM, so a BOM counted here moved every coding by one.
   */
  readText(path: string): Promise<string | undefined>;
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /**
   * Writes atomically: a temporary file beside the target, fsync, then rename. Text written
   * over a file that starts with a BOM keeps the BOM (as an editor's save does).
   */
  writeAtomic(path: string, content: string | Uint8Array): Promise<void>;
  /** Every file below the folder (relative paths), skipping node_modules and .git. */
  listFiles(): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  remove(path: string): Promise<void>;
}

/** An in-memory folder for tests and for previews of edits. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, Uint8Array>();

  constructor(initial: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(initial)) this.files.set(path, toBytes(content));
  }

  async readText(path: string): Promise<string | undefined> {
    const bytes = this.files.get(path);
    return bytes === undefined ? undefined : decodeText(bytes);
  }
  async readBytes(path: string): Promise<Uint8Array | undefined> {
    return this.files.get(path);
  }
  async writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
    const old = this.files.get(path);
    this.files.set(path, toBytes(typeof content === 'string' && old !== undefined && hasBom(old) ? withBom(content) : content));
  }
  async listFiles(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }
  async exists(path: string): Promise<boolean> {
    return this.files.has(path);
  }
  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

/** UTF-8 byte-order mark. */
export const BOM = '\uFEFF';

/** Whether bytes start with the UTF-8 byte-order mark EF BB BF. */
export function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The text with a BOM in front (once). */
export function withBom(text: string): string {
  return text.startsWith(BOM) ? text : BOM + text;
}

/** UTF-8 to text, without a leading BOM (TextDecoder drops it; said here so it is not lost). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
}
