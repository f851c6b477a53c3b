export declare const REFERENCE_BASELINE_MS: number;
export declare function budgetScale(baselineSamples: readonly number[], options?: { defaultCorpus?: boolean; reference?: number }): { measured: number; factor: number };
export declare function checkScaled(value: number, max: number, factor: number): { limit: number; pass: boolean };
