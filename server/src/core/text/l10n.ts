// Messages a user reads, in the editor's language: t(message, ...args) with {0}, {1} … in it, the
// English text as the key into the l10n bundle the client hands over (server/src/l10n.ts calls
// `config`); without a bundle (English, the CLI, tests) the English text, formatted. The same
// call shape and bundle files as @vscode/l10n (the client's vscode.l10n.t and `npm run l10n`
// read them), but a direct lookup and one replace: @vscode/l10n's t() took ~2.7 µs a message,
// which made the 80,000 real-name diagnostics of a large project 0.4 s slower to compute.
let bundle: Readonly<Record<string, string>> | undefined;

export function config(contents: Readonly<Record<string, string>> | undefined): void {
  bundle = contents;
}

const PLACEHOLDER = /\{(\d+)\}/g;

export function t(message: string, ...args: Array<string | number | boolean>): string {
  const template = bundle?.[message] ?? message;
  if (args.length === 0) return template;
  return template.replace(PLACEHOLDER, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}
