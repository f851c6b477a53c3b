// The real file system for the server and the CLI. Writes are atomic: a write interrupted at
// any byte leaves either the old or the new file, never a torn one.
import { promises as fsp, constants } from 'node:fs';
import * as path from 'node:path';
import { hasBom, withBom, type FileSystem } from './core/model/fs';

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

export class NodeFileSystem implements FileSystem {
  readonly root: string;

  constructor(root: string) {
    // Absolute, so the check that a path stays inside the folder compares like with like.
    this.root = path.resolve(root);
  }

  private abs(rel: string): string {
    const abs = path.resolve(this.root, rel);
    const rootWithSep = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    if (abs !== this.root && !abs.startsWith(rootWithSep)) throw new Error(`path leaves the project folder: ${rel}`);
    return abs;
  }

  async readText(rel: string): Promise<string | undefined> {
    // Decoded straight from the buffer readFile returned (Buffer.from(bytes) copied it first).
    const bytes = await this.readBytes(rel);
    if (bytes === undefined) return undefined;
    // Without the BOM: the editor's text, which every offset refers to (see FileSystem).
    const start = hasBom(bytes) ? 3 : 0;
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8');
  }

  async readBytes(rel: string): Promise<Uint8Array | undefined> {
    try {
      return await fsp.readFile(this.abs(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeAtomic(rel: string, content: string | Uint8Array): Promise<void> {
    const abs = this.abs(rel);
    // readText dropped the file's BOM; text written back over it keeps it.
    if (typeof content === 'string' && !content.startsWith('\uFEFF') && (await startsWithBom(abs))) content = withBom(content);
    await writeFileAtomic(abs, content);
  }

  async listFiles(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let entries;
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) await walk(path.join(dir, e.name), prefix + e.name + '/');
        } else if (e.isFile()) out.push(prefix + e.name);
      }
    };
    await walk(this.root, '');
    return out.sort();
  }

  async exists(rel: string): Promise<boolean> {
    try {
      await fsp.access(this.abs(rel), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async remove(rel: string): Promise<void> {
    await fsp.rm(this.abs(rel), { force: true });
  }
}

/** Whether the file exists and starts with the UTF-8 BOM (reads 3 bytes). */
async function startsWithBom(abs: string): Promise<boolean> {
  let handle;
  try {
    handle = await fsp.open(abs, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(3);
    const { bytesRead } = await handle.read(buf, 0, 3, 0);
    return bytesRead === 3 && hasBom(buf);
  } finally {
    await handle.close();
  }
}

/** temp file in the same directory + fsync + rename + fsync of the directory. */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await fsp.rename(tmp, target);
  try {
    const dh = await fsp.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename is still atomic.
  }
}
