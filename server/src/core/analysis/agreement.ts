// Agreement measures between coders over nominal data: percent agreement, Cohen's kappa
// (two coders), Fleiss' kappa (three or more) and Krippendorff's alpha (nominal, any number
// of coders, missing values allowed).
//
// Every measure is computed from a *histogram of rating patterns*: a unit is the list of the
// values each coder gave it (null = missing), and identical units are counted once with a
// weight. So the figures cannot depend on the order of codings or files, and a run of 10,000
// characters coded alike costs one entry, not 10,000 (the `char` unit).
//
// A measure that is undefined for the data (0/0) is null, with a note that says why: never NaN.

/** One coder's value for a unit; null when the coder gave the unit no value (missing). */
export type Rating = string | null;

export interface RatingHistogram {
  /** Number of coders: every pattern has this many entries. */
  readonly coders: number;
  readonly patterns: ReadonlyMap<string, { values: readonly Rating[]; weight: number }>;
}

export interface AgreementFigures {
  /** 0–100: share of the units rated by every coder on which all of them gave the same value. */
  percent: number | null;
  /** Cohen's kappa for two coders, Fleiss' kappa for three or more. */
  kappa: number | null;
  kappaType: 'cohen' | 'fleiss';
  /** Krippendorff's alpha, nominal metric. */
  alpha: number | null;
  /** Number of units (weighted: characters for the `char` unit). */
  units: number;
  /** Why a measure is null, when one is. */
  note?: string;
}

/** Collects rating patterns; add the same pattern any number of times. */
export class HistogramBuilder {
  private readonly map = new Map<string, { values: Rating[]; weight: number }>();
  constructor(readonly coders: number) {}

  add(values: readonly Rating[], weight = 1): void {
    if (values.length !== this.coders) throw new Error(`expected ${this.coders} ratings, got ${values.length}`);
    if (weight <= 0) return;
    // \u0001 marks a missing value so that it can never collide with a real one.
    const key = values.map((v) => (v === null ? '\u0001' : v)).join('\u0000');
    const entry = this.map.get(key);
    if (entry) entry.weight += weight;
    else this.map.set(key, { values: [...values], weight });
  }

  /** Adds every pattern of another histogram (to pool several codes into "overall"). */
  addAll(other: RatingHistogram): void {
    for (const { values, weight } of other.patterns.values()) this.add(values, weight);
  }

  /** Patterns in a fixed order, so that sums of floating-point numbers come out bit for bit alike. */
  build(): RatingHistogram {
    const sorted = [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { coders: this.coders, patterns: new Map(sorted) };
  }
}

/** Convenience for tests and small data: one row per unit, one column per coder. */
export function histogramOf(units: ReadonlyArray<readonly Rating[]>, coders = units[0]?.length ?? 0): RatingHistogram {
  const b = new HistogramBuilder(coders);
  for (const u of units) b.add(u);
  return b.build();
}

const EPS = 1e-12;

export function percentAgreement(h: RatingHistogram): { value: number | null; note?: string } {
  let total = 0;
  let agreed = 0;
  for (const { values, weight } of h.patterns.values()) {
    if (values.some((v) => v === null)) continue;
    total += weight;
    if (values.every((v) => v === values[0])) agreed += weight;
  }
  if (total === 0) return { value: null, note: 'no unit was rated by every coder' };
  return { value: (100 * agreed) / total };
}

export function cohenKappa(h: RatingHistogram): { value: number | null; note?: string } {
  if (h.coders !== 2) throw new Error("Cohen's kappa compares exactly two coders");
  let n = 0;
  let agreed = 0;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  for (const { values, weight } of h.patterns.values()) {
    const [x, y] = values;
    if (x === null || y === null) continue;
    n += weight;
    if (x === y) agreed += weight;
    a.set(x, (a.get(x) ?? 0) + weight);
    b.set(y, (b.get(y) ?? 0) + weight);
  }
  if (n === 0) return { value: null, note: 'no unit was rated by both coders' };
  const po = agreed / n;
  let pe = 0;
  for (const [v, na] of a) pe += (na / n) * ((b.get(v) ?? 0) / n);
  if (1 - pe < EPS) return { value: null, note: 'kappa is undefined: both coders gave every unit the same single value, so chance agreement is 1' };
  return { value: (po - pe) / (1 - pe) };
}

export function fleissKappa(h: RatingHistogram): { value: number | null; note?: string } {
  const m = h.coders;
  if (m < 2) throw new Error("Fleiss' kappa needs two or more coders");
  let units = 0;
  let sumP = 0;
  const categoryTotals = new Map<string, number>();
  for (const { values, weight } of h.patterns.values()) {
    if (values.some((v) => v === null)) continue;
    const counts = new Map<string, number>();
    for (const v of values as string[]) counts.set(v, (counts.get(v) ?? 0) + 1);
    let sq = 0;
    for (const [v, c] of counts) {
      sq += c * c;
      categoryTotals.set(v, (categoryTotals.get(v) ?? 0) + c * weight);
    }
    sumP += (weight * (sq - m)) / (m * (m - 1));
    units += weight;
  }
  if (units === 0) return { value: null, note: 'no unit was rated by every coder' };
  const pBar = sumP / units;
  let pe = 0;
  for (const t of categoryTotals.values()) pe += (t / (units * m)) ** 2;
  if (1 - pe < EPS) return { value: null, note: 'kappa is undefined: every coder gave every unit the same single value, so chance agreement is 1' };
  return { value: (pBar - pe) / (1 - pe) };
}

/** Krippendorff's alpha with the nominal difference function, from the coincidence matrix. */
export function krippendorffAlphaNominal(h: RatingHistogram): { value: number | null; note?: string } {
  // n_c: how often value c occurs among pairable values; observed disagreement: the
  // off-diagonal mass of the coincidence matrix. Units with fewer than two values are not pairable.
  const nc = new Map<string, number>();
  let offDiagonal = 0;
  for (const { values, weight } of h.patterns.values()) {
    const present = values.filter((v): v is string => v !== null);
    const mu = present.length;
    if (mu < 2) continue;
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [v, c] of counts) {
      // Row c of the coincidence matrix sums to c·(mu−1)/(mu−1) = c per unit.
      nc.set(v, (nc.get(v) ?? 0) + weight * c);
      // Pairs of v with any other value: c·(mu−c)/(mu−1).
      offDiagonal += (weight * c * (mu - c)) / (mu - 1);
    }
  }
  let n = 0;
  let sumSq = 0;
  for (const c of nc.values()) {
    n += c;
    sumSq += c * c;
  }
  if (n === 0) return { value: null, note: 'alpha is undefined: no unit has values from two coders' };
  const expected = n * n - sumSq; // Σ_{c≠k} n_c·n_k
  if (expected < EPS) return { value: null, note: 'alpha is undefined: only one value occurs in the data' };
  return { value: 1 - ((n - 1) * offDiagonal) / expected };
}

export function agreementFigures(h: RatingHistogram): AgreementFigures {
  const percent = percentAgreement(h);
  const kappaType = h.coders === 2 ? 'cohen' : 'fleiss';
  const kappa = h.coders === 2 ? cohenKappa(h) : fleissKappa(h);
  const alpha = krippendorffAlphaNominal(h);
  let units = 0;
  for (const { values, weight } of h.patterns.values()) if (values.some((v) => v !== null)) units += weight;
  const notes = [...new Set([percent.note, kappa.note, alpha.note].filter((s): s is string => !!s))];
  const figures: AgreementFigures = { percent: percent.value, kappa: kappa.value, kappaType, alpha: alpha.value, units };
  if (notes.length) figures.note = notes.join('; ');
  return figures;
}
