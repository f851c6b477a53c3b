// The server speaks the client's language: the client sends the contents of its l10n bundle
// (vscode.l10n.bundle: l10n/bundle.l10n.<locale>.json, undefined in English) in
// initializationOptions, and every message a user reads — refusals, diagnostics, quick-fix
// titles, hovers — goes through l10n.t() (core/text/l10n.ts) with the English text as its key,
// as the client's do. Without a bundle (English, the CLI, tests) l10n.t() returns the English text.
import { config } from './core/text/l10n';

export function configureL10n(contents: Record<string, string> | undefined): void {
  if (contents && typeof contents === 'object') config(contents);
}
