// What a reviewer can review in the codebook: every theme (## heading), group (### and deeper)
// and code, by name, with the definition a status "agreed" is recorded against.
import type { Codebook } from '../model/model';
import { normalizeName } from '../text/text';
import { isUncategorisedName } from '../parse/codebook';

export type ReviewItemKind = 'theme' | 'group' | 'code';

export interface ReviewItem {
  name: string;
  kind: ReviewItemKind;
  /** The description in codebook.md, as written. */
  definition: string;
  /** Names of the themes and groups above it. */
  path: string[];
}

export class ReviewItems {
  private readonly byKey = new Map<string, ReviewItem>();
  add(item: ReviewItem): void {
    const key = normalizeName(item.name);
    if (!this.byKey.has(key)) this.byKey.set(key, item);
  }
  get(name: string): ReviewItem | undefined {
    return this.byKey.get(normalizeName(name));
  }
  values(): IterableIterator<ReviewItem> {
    return this.byKey.values();
  }
}

export function reviewItems(codebook: Codebook): ReviewItems {
  const items = new ReviewItems();
  const minLevel = Math.min(...codebook.categories.map((c) => c.level));
  for (const c of codebook.categories) {
    if (isUncategorisedName(c.name)) continue; // a holding place, not a theme anyone signs off
    items.add({ name: c.name, kind: c.level === minLevel ? 'theme' : 'group', definition: c.description, path: c.path.slice(0, -1) });
  }
  for (const c of codebook.codes) items.add({ name: c.name, kind: 'code', definition: c.description, path: c.categoryPath });
  return items;
}
