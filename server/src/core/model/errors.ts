// A file that could not be read as what it should be: its name, the line where known, and why.
// Thrown by the importers (core/import) and by the identifiers file's parser (core/parse).
/** Bad input. The message always starts with the file name (and line when known). */
export class ImportError extends Error {
  constructor(
    readonly fileName: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${fileName}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'ImportError';
  }
}
