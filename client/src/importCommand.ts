// "Import Transcripts…" (qda.transcriptsImport): pick files (or take the explorer selection),
// ask the server what they contain (qda/importPreview), confirm replacing existing transcripts,
// map each speaker to an informant code (keep, next free code, the code the identifiers file
// already has, another code, or interviewer), then apply the server's WorkspaceEdit
// (qda/importTranscripts: the transcripts, the identifiers file and its .gitignore line), save
// it and open the new transcript.
//
// The importer runs in the server, not here: it needs mammoth for .docx (kept out of the
// extension bundle, which must activate fast), and the server is the only writer of .qda/.
import * as vscode from 'vscode';
import { applyServerEdit } from './serverEdits';
import {
  importPreviewRequest,
  importTranscriptsRequest,
  type ImportPreviewResult,
  type ImportSpeakerInfo,
} from '../../server/src/protocol';
import type { QdaConnection } from './connection';
import { speakerChoices, type SpeakerAction } from './speakerChoices';
import { looksLikeInformantCode } from '../../server/src/core/parse/informantCode';

/** Scripted use (tests, other extensions): everything the dialogs would ask. */
export interface ImportCommandArgs {
  files: Array<string | vscode.Uri>;
  /** Speaker as found → informant code. Speakers not named keep their label. */
  speakers?: Record<string, string>;
  /** Speakers to mark as interviewers. */
  interviewers?: string[];
  /** Replace existing transcripts (otherwise an existing target is an error). */
  overwrite?: boolean;
  /** What to do with a file whose transcript exists: what the dialog's buttons do (wins over `overwrite`). */
  existing?: 'replace' | 'rename' | 'skip';
  /** Open the first new transcript (default true). */
  open?: boolean;
  /** The layout of .txt/.md/.docx files when it cannot be told from them ("zoom-chat", "unlabelled", …). */
  layout?: string;
}

export interface ImportCommandResult {
  applied: boolean;
  /** file: URIs of the transcripts written. */
  transcripts: string[];
  identifiers?: string;
  error?: string;
  /** Source file name → the layout it was read in (the id; the user sees layoutName). */
  layouts?: Record<string, string>;
  /** The message shown when the import is done. */
  message?: string;
}

/** What each layout of core/import/layouts.ts is, in the user's language. */
export function layoutName(id: string | undefined): string {
  switch (id) {
    case 'labels':
      return vscode.l10n.t('"Label: text" paragraphs');
    case 'diarised':
      return vscode.l10n.t('speaker labels from diarisation (S00:, SPEAKER_00: — noScribe, Whisper)');
    case 'f4':
      return vscode.l10n.t('f4transkript (I: text #00:00:12-3#)');
    case 'speaker-time':
      return vscode.l10n.t('speaker and time on a line, the words below (Teams .docx, Otter)');
    case 'teams-cues':
      return vscode.l10n.t('timing line, speaker line, words (older Teams .docx)');
    case 'zoom-chat':
      return vscode.l10n.t('Zoom transcript ([Name] 10:02:03, the words below)');
    case 'unlabelled':
      return vscode.l10n.t('no speaker labels (each paragraph a turn of an unknown speaker)');
    case 'webvtt':
      return vscode.l10n.t('WebVTT captions (Teams, Zoom)');
    case 'srt':
      return vscode.l10n.t('SRT subtitles');
    default:
      return id ?? '';
  }
}

const IMPORTABLE = /\.(vtt|srt|docx|txt|md)$/i;

export function registerImportCommand(context: vscode.ExtensionContext, connection: QdaConnection): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('qda.transcriptsImport', (first?: unknown, second?: unknown) => importTranscripts(connection, first, second)),
  );
}

function isScripted(arg: unknown): arg is ImportCommandArgs {
  return !!arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && Array.isArray((arg as ImportCommandArgs).files);
}

const toUri = (f: string | vscode.Uri): vscode.Uri => (typeof f === 'string' ? (/^[a-z][a-z0-9+.-]+:/i.test(f) ? vscode.Uri.parse(f) : vscode.Uri.file(f)) : f);

async function chooseFiles(first: unknown, second: unknown): Promise<vscode.Uri[] | undefined> {
  // Explorer context menu: (clicked uri, all selected uris).
  if (Array.isArray(second) && second.every((u) => u instanceof vscode.Uri) && second.length > 0) return (second as vscode.Uri[]).filter((u) => IMPORTABLE.test(u.path));
  if (first instanceof vscode.Uri) return [first];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: folder,
    openLabel: vscode.l10n.t('Import'),
    title: vscode.l10n.t('Import Transcripts'),
    // The first filter is the default; the others let a student find one kind among many files.
    filters: {
      [vscode.l10n.t('Transcripts (Teams, Zoom, subtitles, Word, text)')]: ['vtt', 'srt', 'docx', 'txt', 'md'],
      [vscode.l10n.t('Teams or Zoom captions (.vtt)')]: ['vtt'],
      [vscode.l10n.t('Subtitles (.srt)')]: ['srt'],
      [vscode.l10n.t('Word documents (.docx)')]: ['docx'],
      [vscode.l10n.t('Text or Markdown (.txt, .md)')]: ['txt', 'md'],
    },
  });
}

async function importTranscripts(connection: QdaConnection, first?: unknown, second?: unknown): Promise<ImportCommandResult> {
  const fail = (error: string): ImportCommandResult => {
    void vscode.window.showErrorMessage(error);
    return { applied: false, transcripts: [], error };
  };
  if (!vscode.workspace.isTrusted) {
    return fail(vscode.l10n.t('Importing is turned off in Restricted Mode: it writes transcripts and the identifiers file. Trust this folder to import.'));
  }
  if (!vscode.workspace.workspaceFolders?.length) return fail(vscode.l10n.t('Open the thesis folder first: transcripts are imported into it.'));
  const scripted = isScripted(first) ? first : undefined;
  const uris = scripted ? scripted.files.map(toUri) : await chooseFiles(first, second);
  if (!uris || uris.length === 0) return { applied: false, transcripts: [] };
  const notLocal = uris.find((u) => u.scheme !== 'file');
  if (notLocal) return fail(vscode.l10n.t('{0} is not a file on this computer; only local files can be imported.', notLocal.toString()));
  const files = uris.map((u) => connection.c2p.asUri(u));

  let layout = scripted?.layout;
  const readPreview = async (): Promise<ImportPreviewResult> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading transcripts…') }, () =>
      connection.request(importPreviewRequest, { files, speakers: scripted?.speakers, interviewers: scripted?.interviewers, layout }),
    );
  let preview: ImportPreviewResult;
  try {
    preview = await readPreview();
    // The importer could not tell the layout of a file: ask, rather than let it guess speakers.
    if (preview.error && preview.layouts && !scripted) {
      const picked = await vscode.window.showQuickPick(
        preview.layouts.map((id) => ({ label: layoutName(id), description: id, id })),
        { title: vscode.l10n.t('Import Transcripts: which layout is it?'), placeHolder: preview.error, ignoreFocusOut: true },
      );
      if (!picked) return { applied: false, transcripts: [] };
      layout = picked.id;
      preview = await readPreview();
    }
  } catch (err) {
    return fail(vscode.l10n.t('The import failed: {0}', err instanceof Error ? err.message : String(err)));
  }
  if (preview.error) return fail(preview.error);
  const layouts = Object.fromEntries(preview.files.map((f) => [f.source, f.layout ?? '']));
  const readAs = preview.files.map((f) => vscode.l10n.t('{0} read as {1}', f.source, layoutName(f.layout))).join('; ');

  // A transcript that exists: import under a new name, replace it (only when confirmed), or skip
  // the file; the others are imported anyway.
  const overwrite: string[] = [];
  const targets: Record<string, string> = {};
  const planned = new Set(preview.files.filter((x) => !x.exists).map((x) => x.targetUri));
  let chosen = preview.files;
  for (const f of preview.files.filter((x) => x.exists)) {
    let mode: 'replace' | 'rename' | 'skip' | undefined;
    if (scripted) {
      mode = scripted.existing ?? (scripted.overwrite ? 'replace' : undefined);
      if (!mode) return fail(vscode.l10n.t('{0} already exists (imported from {1}?). Nothing was written.', f.target, f.source));
    } else {
      const rename = vscode.l10n.t('Import as New Name');
      const replace = vscode.l10n.t('Replace');
      const skip = vscode.l10n.t('Skip');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} already exists. Import {1} as a new transcript, replace the existing one, or skip this file?', f.target, f.source),
        { modal: true, detail: vscode.l10n.t('Replacing changes its text; codings of the old text may become orphans (Undo restores it). A new name keeps both.') },
        rename,
        replace,
        skip,
      );
      mode = answer === rename ? 'rename' : answer === replace ? 'replace' : 'skip';
    }
    if (mode === 'replace') overwrite.push(f.targetUri);
    else if (mode === 'rename') {
      const free = await freeName(vscode.Uri.parse(f.targetUri), planned);
      planned.add(free.toString());
      targets[f.uri] = free.toString();
    } else chosen = chosen.filter((x) => x !== f);
  }
  if (chosen.length === 0) return { applied: false, transcripts: [] };

  let speakers = scripted?.speakers ?? {};
  let interviewers = scripted?.interviewers ?? [];
  if (!scripted) {
    const mapping = await mapSpeakers(preview, chosen.flatMap((f) => f.speakers.map((s) => ({ ...s, file: f.source }))), readAs);
    if (!mapping) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('Import cancelled; nothing was written.'), 5000);
      return { applied: false, transcripts: [] };
    }
    speakers = mapping.speakers;
    interviewers = mapping.interviewers;
  }

  const result = await connection.request(importTranscriptsRequest, { files: chosen.map((f) => f.uri), speakers, interviewers, overwrite, targets, layout });
  if (result.error) return fail(result.error);
  if (!(await applyServerEdit(connection, result))) return { applied: false, transcripts: [], error: result.error };
  for (const w of result.warnings ?? []) void vscode.window.showWarningMessage(w);
  const transcripts = result.transcripts ?? [];
  if (transcripts.length > 0 && scripted?.open !== false) {
    await vscode.window.showTextDocument(vscode.Uri.parse(transcripts[0]!), { preview: false });
  }
  const n = transcripts.length;
  const message =
    n === 1
      ? vscode.l10n.t('Imported {0}.', vscode.workspace.asRelativePath(vscode.Uri.parse(transcripts[0]!), false))
      : vscode.l10n.t('Imported {0} transcripts.', n);
  const idNote = result.identifiersUri
    ? ' ' + vscode.l10n.t('Real names are kept in {0}, which git ignores.', vscode.workspace.asRelativePath(vscode.Uri.parse(result.identifiersUri), false))
    : '';
  const shown = `${message} ${vscode.l10n.t('Layout: {0}.', readAs)}${idNote}`;
  void vscode.window.showInformationMessage(shown);
  for (const f of chosen) for (const c of f.changes ?? []) void vscode.window.showWarningMessage(vscode.l10n.t('{0}: changed on import: {1}.', f.source, c));
  return { applied: true, transcripts, identifiers: result.identifiersUri, layouts, message: shown };
}

/** "FL1.md" → "FL1-2.md", "FL1-3.md", …: the first name no file and no other import has. */
async function freeName(target: vscode.Uri, planned: ReadonlySet<string>): Promise<vscode.Uri> {
  const m = /^(.*?)(\.[^./]+)?$/.exec(target.path)!;
  for (let n = 2; ; n++) {
    const candidate = target.with({ path: `${m[1]}-${n}${m[2] ?? ''}` });
    if (planned.has(candidate.toString())) continue;
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}

interface SpeakerItem extends vscode.QuickPickItem {
  action: SpeakerAction;
  code?: string;
}

/** Increments the number (R4 → R5) or letter (Informant C → Informant D) of a code until it is free. */
export function nextCode(code: string, taken: ReadonlySet<string>): string {
  let c = code;
  for (let i = 0; i < 1000 && taken.has(c.toLowerCase()); i++) {
    const n = /^(.*?)(\d+)$/.exec(c);
    const l = /^(.* )([A-Y])$/.exec(c);
    if (n) c = `${n[1]}${Number(n[2]) + 1}`;
    else if (l) c = `${l[1]}${String.fromCharCode(l[2]!.charCodeAt(0) + 1)}`;
    else break;
  }
  return c;
}


/** One quick pick per speaker; undefined when the user cancels. */
async function mapSpeakers(
  preview: ImportPreviewResult,
  found: Array<ImportSpeakerInfo & { file: string }>,
  readAs: string,
): Promise<{ speakers: Record<string, string>; interviewers: string[] } | undefined> {
  const bySource = new Map<string, ImportSpeakerInfo & { files: string[] }>();
  for (const s of found) {
    // Interviewer labels and "Flere" need no code; "Ukjent" does when a caption file names nobody.
    if (s.role !== 'informant' && !s.unnamed) continue;
    const key = s.source.toLowerCase();
    const seen = bySource.get(key);
    if (seen) {
      seen.turns += s.turns;
      seen.words += s.words;
      if (!seen.files.includes(s.file)) seen.files.push(s.file);
    } else bySource.set(key, { ...s, files: [s.file] });
  }
  const speakers: Record<string, string> = {};
  const interviewers: string[] = [];
  const taken = new Set(preview.informants.map((c) => c.toLowerCase()));
  const list = [...bySource.values()];
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    const known = preview.known[s.source];
    const isCode = looksLikeInformantCode(s.source, preview.informants);
    const suggestions = [...new Set(preview.suggestions.map((c) => nextCode(c, taken)))].filter((c) => !taken.has(c.toLowerCase()));
    const items: SpeakerItem[] = speakerChoices(s, { known, isCode, suggestions }).map((c): SpeakerItem => {
      switch (c.action) {
        case 'code':
          return {
            label: c.code!,
            description: c.why === 'known' ? vscode.l10n.t('the code the identifiers file gives this name') : s.unnamed ? vscode.l10n.t('one speaker: all the text gets this code') : vscode.l10n.t('next free code'),
            action: 'code',
            code: c.code,
          };
        case 'keep':
          return { label: vscode.l10n.t('Keep "{0}"', s.source), description: isCode ? vscode.l10n.t('already an informant code') : vscode.l10n.t('the name stays in the transcript'), action: 'keep' };
        case 'split':
          return {
            label: vscode.l10n.t('Keep "{0}" and split it by hand', s.source),
            description: vscode.l10n.t('a paragraph after every pause; change each paragraph\'s label in the editor'),
            action: 'split',
          };
        case 'interviewer':
          return { label: vscode.l10n.t('Interviewer'), description: vscode.l10n.t('mark as interviewer ("{0}")', preview.interviewerLabel), action: 'interviewer' };
        case 'type':
          return { label: vscode.l10n.t('Type another code…'), action: 'type' };
      }
    });

    // The title names the speaker; the placeholder (one line, cut off when long) carries only
    // the turns and the first words, which tell "Speaker 1" from "Speaker 2".
    const said = s.firstWords ? `«${s.firstWords}»` : '';
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Import: speaker {0} of {1}, "{2}" ({3}), read as {4}', i + 1, list.length, s.source, s.files.join(', '), readAs),
      placeHolder: s.unnamed
        ? vscode.l10n.t('Nobody is named in {0} ({1} paragraphs, {2} words). Give the one speaker a code, or keep "{3}" and split the text among speakers by hand.', s.files.join(', '), s.turns, s.words, s.source)
        : vscode.l10n.t('{0} turns, {1} words: {2}', s.turns, s.words, said),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    let code: string | undefined;
    if (picked.action === 'split') continue; // "Ukjent" stays on every paragraph
    if (picked.action === 'code') code = picked.code;
    else if (picked.action === 'interviewer') {
      interviewers.push(s.source);
      continue;
    } else if (picked.action === 'type') {
      code = await vscode.window.showInputBox({
        title: vscode.l10n.t('Informant code for "{0}"', s.source),
        prompt: vscode.l10n.t('A short code such as R4, FL3 or Informant D. The real name goes to the identifiers file, never into the transcript.'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Type a code.') : /[*:\n]/.test(v) ? vscode.l10n.t('A code cannot contain "*", ":" or a line break.') : undefined),
      });
      if (code === undefined) return undefined;
      code = code.trim();
    }
    // "Keep" is explicit too: otherwise the identifiers file's code for the name would apply.
    speakers[s.source] = code ?? s.source;
    taken.add((code ?? s.source).toLowerCase());
  }
  return { speakers, interviewers };
}
