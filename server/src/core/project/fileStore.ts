// The file store: every project file's text, parsed once by its role (transcript, codebook,
// memo, chapter, codings file) and kept current file by file. It knows nothing of the index of
// codings built over it (codingIndex.ts) nor of open editors (anchorState.ts); Project
// (project.ts) tells the others when a file here changed.
import type { FileSystem } from '../model/fs';
import type { Codebook, QdaDiagnostic, Transcript } from '../model/model';
import { CONFIG_FILE, FileClassifier, coderOfCodingsFile, parseConfig, type FileRole, type ProjectConfig } from '../parse/config';
import { parseCodebook } from '../parse/codebook';
import { parseCodingsFile, type CodingsFile } from '../parse/codings';
import { scanTranscript, splitFrontmatter } from '../parse/transcript';
import { findLinks, type WikiLink } from '../parse/links';
import { TextMap } from '../text/pieceText';

export interface NoteFile {
  path: string;
  role: 'memo' | 'chapter' | 'codebook';
  title?: string;
  links: WikiLink[];
}

/** Files read at once while loading a project. */
const LOAD_CONCURRENCY = 8;

export class FileStore {
  config: ProjectConfig;
  configDiagnostics: QdaDiagnostic[] = [];
  private classifier: FileClassifier;
  readonly texts = new TextMap();
  readonly roles = new Map<string, FileRole>();
  readonly transcripts = new Map<string, Transcript>();
  readonly transcriptDiagnostics = new Map<string, QdaDiagnostic[]>();
  codebook: Codebook;
  codebookDiagnostics: QdaDiagnostic[] = [];
  readonly notes = new Map<string, NoteFile>();
  readonly codingsFiles = new Map<string, CodingsFile>();
  /** Text of the identifiers file (qda.yaml `identifiers`), never part of any diagnostic. */
  identifiersText: string | undefined;

  /**
   * `replaced`: called whenever a transcript is read anew (a new Transcript object, a new text)
   * or removed — the one place where that happens, so that the key an analysis keeps a
   * transcript's counts under (Project.docVersion) moves with it whichever path re-read it: a
   * file event, a rename, a close, a reload (core/analysis/recount.ts relies on it).
   */
  constructor(
    readonly fs: FileSystem,
    private readonly replaced: (transcript: string) => void = () => undefined,
  ) {
    this.config = parseConfig(undefined).config;
    this.classifier = new FileClassifier(this.config);
    this.codebook = { path: this.config.codebook, categories: [], codes: [] };
  }

  roleOf(path: string): FileRole {
    return this.classifier.roleOf(path);
  }

  /** Reads the whole project; `configText` is qda.yaml as an editor holds it, when it does. */
  async load(configText?: string): Promise<void> {
    this.applyConfig(configText ?? (await this.fs.readText(CONFIG_FILE)));
    this.identifiersText = await this.fs.readText(this.config.identifiers);
    let files = (await this.fs.listFiles()).filter((path) => {
      const role = this.classifier.roleOf(path);
      return role !== 'other' && role !== 'config';
    });
    // The codings files first (the largest: 34 MB each at 20M words), while the heap is small
    // and collected often, so their read buffers and parse garbage are gone before the rest
    // arrives; registered in file order, so that the index lists codings in the same order
    // on every start.
    const codings = files.filter((path) => this.classifier.roleOf(path) === 'codings');
    // A few reads ahead at a time (one file per coder and transcript: hundreds of files), each
    // parsed once every file before it is: reading them all at once held every file's bytes
    // at the same time (+50 MB of peak RSS at 20M words).
    const codingsTexts: Array<Promise<string | undefined> | undefined> = [];
    const readAhead = (i: number): void => {
      if (i >= codings.length) return;
      const read = this.fs.readText(codings[i]);
      read.catch(() => undefined); // a failed read is thrown where it is awaited, in order
      codingsTexts[i] = read;
    };
    for (let i = 0; i < LOAD_CONCURRENCY; i++) readAhead(i);
    for (let i = 0; i < codings.length; i++) {
      const text = await codingsTexts[i];
      codingsTexts[i] = undefined;
      readAhead(i + LOAD_CONCURRENCY);
      if (text !== undefined) this.setText(codings[i], text, 'codings');
    }
    files = files.filter((path) => this.classifier.roleOf(path) !== 'codings');
    // Then a few reads at a time, each file parsed as it arrives: reading all of them at once
    // held every file's bytes in memory together (135 MB of buffers at 20M words) before any
    // was parsed and let go.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const path = files[next++];
        const text = await this.fs.readText(path);
        if (text !== undefined) this.setText(path, text, this.classifier.roleOf(path));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, files.length) }, worker));
  }

  private applyConfig(text: string | undefined): void {
    const parsed = parseConfig(text);
    this.config = parsed.config;
    this.configDiagnostics = parsed.diagnostics;
    this.classifier = new FileClassifier(this.config);
    if (text !== undefined) this.texts.set(CONFIG_FILE, text);
    else this.texts.delete(CONFIG_FILE);
  }

  /** Forgets every file (before qda.yaml's new settings read them all again). */
  clear(): void {
    this.texts.clear();
    this.roles.clear();
    this.transcripts.clear();
    this.transcriptDiagnostics.clear();
    this.notes.clear();
    this.codingsFiles.clear();
    this.codebook = { path: this.config.codebook, categories: [], codes: [] };
  }

  remove(path: string, role: FileRole): void {
    this.texts.delete(path);
    this.roles.delete(path);
    if (role === 'transcript') {
      this.transcripts.delete(path);
      this.transcriptDiagnostics.delete(path);
      this.replaced(path);
    } else if (role === 'codings') this.codingsFiles.delete(path);
    else if (role === 'codebook') {
      this.codebook = { path, categories: [], codes: [] };
      this.codebookDiagnostics = [];
      this.notes.delete(path);
    } else this.notes.delete(path);
  }

  setText(path: string, text: string, role: FileRole): void {
    this.texts.set(path, text);
    this.roles.set(path, role);
    switch (role) {
      case 'transcript': {
        const scanned = scanTranscript(path, text, this.config.interviewers);
        this.transcripts.set(path, scanned.transcript);
        this.transcriptDiagnostics.set(path, scanned.diagnostics);
        this.replaced(path);
        break;
      }
      case 'codebook': {
        const parsed = parseCodebook(path, text);
        this.codebook = parsed.codebook;
        this.codebookDiagnostics = parsed.diagnostics;
        this.notes.set(path, { path, role: 'codebook', title: parsed.codebook.title, links: findLinks(text) });
        break;
      }
      case 'memo':
      case 'chapter':
        this.notes.set(path, { path, role, title: noteTitle(text), links: findLinks(text) });
        break;
      case 'codings':
        this.codingsFiles.set(path, parseCodingsFile(path, coderOfCodingsFile(path), text, this.codingsFiles.get(path)));
        break;
      default:
        break;
    }
  }

  /** Informant labels of qda.yaml and of every transcript's turns, sorted. */
  informantLabels(): string[] {
    const set = new Set<string>(Object.keys(this.config.informants));
    for (const t of this.transcripts.values()) for (const i of t.informants) set.add(i);
    return [...set].sort();
  }

  stats(): ProjectStats {
    const codingsPerCoder: Record<string, number> = {};
    for (const f of this.codingsFiles.values()) codingsPerCoder[f.coder] = (codingsPerCoder[f.coder] ?? 0) + f.lines.length;
    let words = 0;
    for (const t of this.transcripts.values()) words += t.words;
    return {
      documents: this.transcripts.size,
      words,
      informants: this.informantLabels().length,
      codes: this.codebook.codes.length,
      categories: this.codebook.categories.length,
      codings: Object.values(codingsPerCoder).reduce((a, b) => a + b, 0),
      codingsPerCoder,
      memos: [...this.notes.values()].filter((n) => n.role === 'memo').length,
      chapters: [...this.notes.values()].filter((n) => n.role === 'chapter').length,
    };
  }
}

export interface ProjectStats {
  documents: number;
  words: number;
  informants: number;
  codes: number;
  categories: number;
  codings: number;
  codingsPerCoder: Record<string, number>;
  memos: number;
  chapters: number;
}

/** A note's title: frontmatter `title:`, else its first H1. */
export function noteTitle(text: string): string | undefined {
  const { yaml } = splitFrontmatter(text);
  const fm = yaml && /^title:\s*["']?(.+?)["']?\s*$/m.exec(yaml);
  if (fm) return fm[1];
  const h1 = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text);
  return h1?.[1];
}
