// Colour swatch icons for codes (tree items and quick-pick items). A ThemeIcon can only use
// colours declared in package.json, but code colours come from the project, so each colour
// gets a tiny SVG file in the extension's global storage (outside the user's folder).
import * as vscode from 'vscode';

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export function isHexColor(color: string): boolean {
  return HEX.test(color);
}

export function swatchSvg(color: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><rect x="2" y="2" width="12" height="12" rx="3" fill="${color}" stroke="#808080" stroke-opacity="0.6"/></svg>`;
}

export class Swatches {
  private readonly made = new Map<string, Promise<vscode.Uri | undefined>>();
  private readonly ready = new Map<string, vscode.Uri>();
  private folder: Thenable<void> | undefined;

  constructor(private readonly storage: vscode.Uri) {}

  /** Makes sure the swatch files for these colours exist (call before building items). */
  async prepare(colors: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(colors)].map((c) => this.make(c)));
  }

  /** The swatch of a prepared colour, or a neutral tag icon. */
  icon(color: string): vscode.Uri | vscode.ThemeIcon {
    return this.ready.get(color.toLowerCase()) ?? new vscode.ThemeIcon('tag');
  }

  private make(color: string): Promise<vscode.Uri | undefined> {
    const key = color.toLowerCase();
    if (!isHexColor(key)) return Promise.resolve(undefined);
    let made = this.made.get(key);
    if (!made) {
      const folder = vscode.Uri.joinPath(this.storage, 'swatches');
      const uri = vscode.Uri.joinPath(folder, `${key.slice(1)}.svg`);
      this.folder ??= vscode.workspace.fs.createDirectory(folder);
      made = Promise.resolve(this.folder)
        .then(() => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(swatchSvg(key))))
        .then(
          () => {
            this.ready.set(key, uri);
            return uri;
          },
          () => undefined,
        );
      this.made.set(key, made);
    }
    return made;
  }
}
