// What is under the cursor, shared by hover, definition, references and rename:
// a [[link]], a code or category name in the codebook, or coded passages in a transcript.
import type { Position } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import type { WikiLink } from '../core/parse/links';
import type { CodebookCategory, CodebookCode } from '../core/model/model';
import type { CodingInfo } from '../core/project/project';

export type Located =
  | { kind: 'link'; path: string; link: WikiLink }
  | { kind: 'codeName'; path: string; code: CodebookCode }
  | { kind: 'categoryName'; path: string; category: CodebookCategory }
  | { kind: 'codedPassage'; path: string; codings: CodingInfo[] };

export function locate(ws: ServerWorkspace, uri: string, position: Position): Located | undefined {
  const path = ws.pathOf(uri);
  if (!path) return undefined;
  const project = ws.project;
  const offset = ws.toOffset(path, position);
  const note = project.noteOf(path);
  if (note) {
    const link = note.links.find((l) => l.range.start <= offset && offset <= l.range.end);
    if (link) return { kind: 'link', path, link };
  }
  if (path === project.codebook.path) {
    const code = project.codebook.codes.find((c) => c.nameRange.start <= offset && offset <= c.nameRange.end);
    if (code) return { kind: 'codeName', path, code };
    const category = project.codebook.categories.find((c) => c.nameRange.start <= offset && offset <= c.nameRange.end);
    if (category) return { kind: 'categoryName', path, category };
  }
  if (project.isTranscript(path)) {
    const codings = project.codingsOfDoc(path).filter((i) => i.anchored && i.coding.start <= offset && offset < i.coding.end);
    if (codings.length > 0) return { kind: 'codedPassage', path, codings };
  }
  return undefined;
}
