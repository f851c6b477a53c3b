// The file-system boundary of core. Core never touches node:fs directly, so tests can run
// every parser, the store and the index on an in-memory folder.
// Paths are folder-relative, POSIX style ("transcripts/FL1.md").

export interface FileSystem {
  /** Text of a file decoded as UTF-8, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /** Writes atomically: a temporary file beside the target, fsync, then rename. */
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
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }
  async readBytes(path: string): Promise<Uint8Array | undefined> {
    return this.files.get(path);
  }
  async writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
    this.files.set(path, toBytes(content));
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
