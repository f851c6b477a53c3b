// A new thesis project: the files a student starts from (`qda init` and the editor's "New
// Thesis Project…" command share this). It never replaces a file that is there: qda.yaml and
// codebook.md are written only when missing; .gitignore and .gitattributes get the one line
// they need appended when it is not in them already, and keep everything else.
import type { FileSystem } from '../model/fs';
import type { Language } from '../parse/config';

export interface ScaffoldOptions {
  language: Language;
}

export interface ScaffoldResult {
  /** Files written new. */
  created: string[];
  /** Existing files a line was appended to. */
  extended: string[];
  /** Existing files left exactly as they were. */
  kept: string[];
}

/** The line .gitattributes needs so that two branches' codings merge without conflicts. */
export const CODINGS_MERGE_LINE = '.qda/codings/**/*.jsonl merge=union';
/** Review logs are append-only lines too: the same author commenting on two branches merges cleanly. */
export const REVIEWS_MERGE_LINE = '.qda/reviews/*.jsonl merge=union';
/** The identifiers file (real names) never goes into git. */
export const IDENTIFIERS_IGNORE_LINE = '.qda/identifiers.yaml';

/** The folders a project has; git keeps an empty folder only with a file in it. */
const FOLDERS = ['transcripts', 'memos', 'chapters'];

function qdaYaml(language: Language): string {
  if (language === 'nb') {
    return `# Thesis QDA: innstillinger for prosjektet. Alle nøkler kan sløyfes; da gjelder standardverdiene.
# language: nb eller en — språket for sitatstil og nye overskrifter i kodeboken.
language: nb
# coder: navnet ditt, lagret med hver koding (.qda/codings/<koder>/…). Tomt: git sitt user.name.
# coder: anna
codebook: codebook.md
transcripts: ["transcripts/**/*.{md,txt}"]
memos: ["memos/**/*.md"]
chapters: ["chapters/**/*.md"]
# Talere som er intervjuer, ikke informant:
interviewers: [Intervjuer, Interviewer, I]
# Informantene med egenskaper du vil sammenligne på (legges også til ved import):
# informants:
#   R1: { rolle: rådgiver, kontor: Oslo }
informants: {}
# Sitatstil i kapitlene ({text} = sitatet, {informant} = informantkoden):
# quoteStyle: { inline: "«{text}» ({informant})", block: "> {text} ({informant})", blockFromWords: 40 }
# Virkelige navn (fra import) lagres bare her, og filen holdes utenfor git (.gitignore):
identifiers: .qda/identifiers.yaml
`;
  }
  return `# Thesis QDA: project settings. Every key is optional; leave one out for its default.
# language: en or nb — the language of the quote style and of new headings in the codebook.
language: en
# coder: your name, stored with every coding (.qda/codings/<coder>/…). Empty: git's user.name.
# coder: anna
codebook: codebook.md
transcripts: ["transcripts/**/*.{md,txt}"]
memos: ["memos/**/*.md"]
chapters: ["chapters/**/*.md"]
# Speakers who are the interviewer, not an informant:
interviewers: [Interviewer, I, Moderator]
# The informants, with attributes you want to compare by (import adds them too):
# informants:
#   R1: { role: adviser, office: Oslo }
informants: {}
# Quote style in chapters ({text} = the quote, {informant} = the informant code):
# quoteStyle: { inline: "“{text}” ({informant})", block: "> {text} ({informant})", blockFromWords: 40 }
# Real names (from import) are kept only here, and the file stays out of git (.gitignore):
identifiers: .qda/identifiers.yaml
`;
}

function codebookMd(language: Language): string {
  if (language === 'nb') {
    return `# Kodebok

Hovedtemaer er \`##\`-overskrifter, kodegrupper \`###\`, og hver kode er et punkt
\`- **Navn** — beskrivelse\`. Nye koder havner under «Ukategorisert»; dra dem til et tema i
Kodebok-visningen. Eksempeltemaet under kan du gi nytt navn eller slette.

## Eksempeltema
Hva temaet handler om. Lenk til teorinotater i memos/ ved å skrive navnet deres i doble hakeparenteser.

- **Eksempelkode** — når koden brukes: beskriv det slik at en annen koder ville kodet likt.
- **«informantens egne ord»** — en in vivo-kode: navnet er et sitat fra intervjuet.
`;
  }
  return `# Codebook

Themes are \`##\` headings, groups \`###\`, and every code is an item
\`- **Name** — description\`. New codes go under "Uncategorised"; drag them onto a theme in the
Codebook view. Rename or delete the example theme below.

## Example theme
What the theme is about. Link to theory notes in memos/ by writing their name in double square brackets.

- **Example code** — when to use the code: describe it so that another coder would code alike.
- **“the informant's own words”** — an in vivo code: its name is a quote from the interview.
`;
}

/** Appends `line` to a line-based file unless a line equal to it is there. */
async function ensureLines(fs: FileSystem, path: string, wanted: ReadonlyArray<{ line: string; comment: string }>, result: ScaffoldResult): Promise<void> {
  const text = await fs.readText(path);
  const have = new Set((text ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = wanted.filter((w) => !have.has(w.line));
  if (text !== undefined && missing.length === 0) {
    result.kept.push(path);
    return;
  }
  const eol = text?.includes('\r\n') ? '\r\n' : '\n';
  const added = missing.map((w) => `${w.comment}${eol}${w.line}${eol}`).join('');
  if (text === undefined) {
    await fs.writeAtomic(path, added);
    result.created.push(path);
    return;
  }
  const sep = text.length === 0 || text.endsWith('\n') ? '' : eol;
  await fs.writeAtomic(path, `${text}${sep}${added}`);
  result.extended.push(path);
}

/** Creates what a new project lacks in the folder of `fs`; touches nothing that is there. */
export async function scaffoldProject(fs: FileSystem, options: ScaffoldOptions): Promise<ScaffoldResult> {
  const result: ScaffoldResult = { created: [], extended: [], kept: [] };
  const { language } = options;
  for (const [path, content] of [
    ['qda.yaml', qdaYaml(language)],
    ['codebook.md', codebookMd(language)],
  ] as const) {
    if (await fs.exists(path)) result.kept.push(path);
    else {
      await fs.writeAtomic(path, content);
      result.created.push(path);
    }
  }
  const files = await fs.listFiles();
  for (const folder of FOLDERS) {
    if (files.some((f) => f.startsWith(folder + '/'))) continue;
    await fs.writeAtomic(`${folder}/.gitkeep`, '');
    result.created.push(`${folder}/`);
  }
  await ensureLines(fs, '.gitignore', [{ line: IDENTIFIERS_IGNORE_LINE, comment: '# Thesis QDA: real names of informants, never in git' }], result);
  await ensureLines(
    fs,
    '.gitattributes',
    [
      { line: CODINGS_MERGE_LINE, comment: '# Thesis QDA: two branches that both added codings merge without conflicts' },
      { line: REVIEWS_MERGE_LINE, comment: '# Thesis QDA: review comments from two branches merge without conflicts' },
    ],
    result,
  );
  return result;
}
