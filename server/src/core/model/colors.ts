// A stable palette: a code keeps its colour across sessions and machines because the colour
// comes from a hash of its normalised name, unless qda.yaml `colors:` overrides it.
import { normalizeName } from '../text/text';

// Sasha Trubetskoy's 20 distinct colours, minus white/black/grey that vanish on themes.
export const PALETTE = [
  '#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6',
  '#bcf60c', '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3',
  '#808000', '#ffd8b1', '#000075',
];

export function colorOf(name: string, overrides: Record<string, string>): string {
  for (const [k, v] of Object.entries(overrides)) if (normalizeName(k) === normalizeName(name)) return v;
  let h = 2166136261;
  const n = normalizeName(name);
  for (let i = 0; i < n.length; i++) {
    h ^= n.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length];
}
