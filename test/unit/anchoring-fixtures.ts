// Test texts for the anchoring tests and benchmark: corpus transcripts, seeded variants.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TextChange } from '../../server/src/core/anchoring';

/** A transcript of the shared corpus (or its copy in the demo project). */
export function corpus(name: string): string {
  const candidates = [resolve('../shared/corpus', name), resolve('/work/shared/corpus', name)];
  if (existsSync('examples')) {
    for (const d of readdirSync('examples')) candidates.unshift(join('examples', d, 'transcripts', name));
  }
  for (const p of candidates) if (existsSync(p)) return readFileSync(p, 'utf8');
  throw new Error(`corpus transcript ${name} not found (looked in ${candidates.join(', ')})`);
}

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const EMOJI = ['😀', '👍🏽', '🎉', '🇳🇴', '𝔘', '👩‍💻'];

/** The corpus text with an emoji after about every seventh word. */
export function withEmoji(text: string, seed: number): string {
  const r = rng(seed);
  return text.replace(/ /g, () => (r() < 0.14 ? ` ${EMOJI[Math.floor(r() * EMOJI.length)]} ` : ' '));
}

/** About `size` UTF-16 units of transcript: corpus paragraphs in a seeded order, with words varied. */
export function bigTranscript(size: number, seed: number): string {
  const r = rng(seed);
  const paras = [corpus('intervju-R2.md'), corpus('interview-R3-en.md'), corpus('fokusgruppe-kundesenter.txt')]
    .join('\n\n')
    .split(/\n\n+/)
    .filter((p) => p.length > 40);
  const words = ('sandkasse kunde lederen systemet opplæring CRM rådgiver banken avdelingen møte rapport ' +
    'kollega skjerm tid uke mål trygg vanskelig enkelt egentlig altså liksom kanskje veldig ganske ' +
    'support training manager customer screen week goal easy hard really maybe quite').split(' ');
  const out: string[] = [];
  let len = 0;
  let minute = 0;
  while (len < size) {
    // Vary a quarter of the words, so that paragraphs do not repeat word for word.
    const p = paras[Math.floor(r() * paras.length)].replace(/\p{L}+/gu, (w) => (r() < 0.25 ? words[Math.floor(r() * words.length)] : w));
    const para = `[${String(minute++).padStart(5, '0')}] ${p}`;
    out.push(para);
    len += para.length + 2;
  }
  return out.join('\n\n');
}

/** Random word-sized replacements touching about `share` of the text, as one outside edit. */
export function scatteredEdits(text: string, share: number, seed: number): TextChange[] {
  const r = rng(seed);
  const changes: TextChange[] = [];
  let budget = Math.floor(text.length * share);
  let pos = 0;
  const gap = Math.floor(text.length / (budget / 8));
  while (budget > 0) {
    pos += 1 + Math.floor(r() * gap * 2);
    if (pos + 10 >= text.length) break;
    const len = 1 + Math.floor(r() * 12);
    changes.push({ start: pos, end: pos + len, text: r() < 0.3 ? '' : 'endret ord'.slice(0, 1 + Math.floor(r() * 10)) });
    budget -= len;
    pos += len;
  }
  // Offsets above are into the original; apply from the back so each stays valid.
  return changes.reverse();
}

