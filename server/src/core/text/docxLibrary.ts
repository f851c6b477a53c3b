// The `docx` library (Word documents) is loaded when a document is written, not when the server
// or the CLI starts: it is the biggest module in the bundle, and most sessions never export to
// Word (cold start, docs/performance.md). Every Word export takes its classes from here.
export type Docx = typeof import('docx');

let loading: Promise<Docx> | undefined;

export function loadDocx(): Promise<Docx> {
  loading ??= import('docx');
  return loading;
}
