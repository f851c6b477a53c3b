// Shared fixture for the codebook tests: a small nested codebook with names in «», quotes,
// emoji and Norwegian letters, one transcript, a memo and a chapter with [[links]], and two
// coders' codings (anna and bjorn) that overlap on one passage.
import { serializeCoding } from '../../server/src/core/parse/codings';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';

export const CODEBOOK = `# Kodebok

Koder tett på data, se [[«læring i sandkassa»]].

## Kompetanse og opplæring
Hvordan ansatte lærer. Se [[Wenger 1998]].

### Sandkasse og superbrukere
- **«læring i sandkassa»** — in vivo; testmiljøet.
- **Superbrukere som støtte** — kolleger hjelper.
  - **Skjermet tid 🕐** — lederen gir tid.

### Læringsformer
- **Korte økter** — ti minutter.

## Ledelse
- **Lederen går foran** — bruker systemet selv.
- **"Det er lov å spørre"** — in vivo (R2).

## Ukategorisert
- **Kundeinnsikt** — bruke data om kunden
- **Kunde-innsikt** — å forstå kunden.
`;

export const TRANSCRIPT = `---
title: Intervju med R2
informants: [R2]
---
**Intervjuer:** Hvordan lærte dere systemet?

**R2:** Vi kalte det «læring i sandkassa», for det var trygt å prøve.

**R2:** Superbrukerne hjalp oss. Det er lov å spørre, sa lederen.

**FL1:** Kundene merket det etter hvert.
`;

export function coding(id: string, exact: string, code: string, coder: string, text = TRANSCRIPT): Coding {
  const start = text.indexOf(exact);
  if (start < 0) throw new Error(exact);
  return { id, doc: 'transcripts/R2.md', start, end: start + exact.length, code, ...makeQuoteSelector(text, start, start + exact.length), coder, at: '2026-11-23T10:00:00Z' };
}

export function codings(coder: string, list: Coding[]): string {
  return list.map((c) => serializeCoding(c) + '\n').join('');
}

export function fixture(): Record<string, string> {
  return {
    'qda.yaml': 'coder: anna\ninterviewers: [Intervjuer]\ncolors:\n  «læring i sandkassa»: "#e6194b"\n  Kundeinnsikt: "#3cb44b"\n',
    'codebook.md': CODEBOOK,
    'transcripts/R2.md': TRANSCRIPT,
    'memos/Wenger 1998.md': '# Praksisfellesskap\n\nSe [[«læring i sandkassa»|sandkassa]] og [[Superbrukere som støtte]] og [[Sandkasse og superbrukere]].\n',
    'chapters/kap5.md': '# Funn\n\nKunder: [[Kunde-innsikt]] og [[kundeinnsikt|innsikten]]. Tema: [[Kompetanse og opplæring]].\n',
    '.qda/codings/anna.jsonl': codings('anna', [
      coding('a1', 'Vi kalte det «læring i sandkassa»', '«læring i sandkassa»', 'anna'),
      coding('a2', 'Superbrukerne hjalp oss.', 'Superbrukere som støtte', 'anna'),
      coding('a3', 'Kundene merket det', 'Kundeinnsikt', 'anna'),
      coding('a4', 'Kundene merket det', 'Kunde-innsikt', 'anna'),
      coding('a5', 'Det er lov å spørre', '"Det er lov å spørre"', 'anna'),
    ].sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : 1))),
    '.qda/codings/bjorn.jsonl': codings('bjorn', [
      coding('b1', 'Vi kalte det «læring i sandkassa», for det var trygt', '«læring i sandkassa»', 'bjorn'),
      coding('b2', 'Kundene merket det', 'Kunde-innsikt', 'bjorn'),
    ]),
  };
}

