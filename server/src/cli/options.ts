// The options each command reads, and nothing else: parseArgs (io.ts) refuses any other, so a
// mistyped option is an error instead of being ignored (or taking the next argument as its
// value). Each list is what the command's module reads with flags.get / flags.has; the help
// table in cli.ts names the same options (test/unit/cliOptions.test.ts checks both ways).
// `qda import` of transcripts has its own parser (import.ts); its REFI-QDA part is IMPORT_REFI.

export interface OptionSpec {
  /** Options without a value: `--json`. */
  readonly booleans: readonly string[];
  /** Options with a value: `--rows themes` or `--rows=themes`. */
  readonly values: readonly string[];
}

const spec = (booleans: readonly string[], values: readonly string[] = []): OptionSpec => ({ booleans, values });
const join = (...specs: OptionSpec[]): OptionSpec => ({ booleans: [...new Set(specs.flatMap((s) => s.booleans))], values: [...new Set(specs.flatMap((s) => s.values))] });

/** Which codings take part (analysis.ts: segmentFilter, queryScope, selectSegments). */
export const FILTERS = spec(['without-children'], ['coder', 'informant', 'attribute', 'doc', 'saved', 'scope']);
/** The matrix's own options (matrix.ts: matrixFromArgs); `--query` is read there too. */
const MATRIX_OWN = spec([], ['rows', 'cols', 'count', 'query']);
/** agree.ts: agreementFromArgs. */
const AGREEMENT = spec([], ['coders', 'unit', 'overlap', 'domain', 'codes']);
const OUT = spec([], ['out']);

export const INIT = spec([], ['language']);
export const CHECK = spec(['json']);
export const STATS = spec(['json', 'codes']);
export const SPLIT_CODINGS = spec(['dry-run']);
export const QUERY = join(spec(['json'], ['by']), FILTERS);
export const MATRIX = join(spec(['json']), MATRIX_OWN, FILTERS);
export const COOCCUR = join(spec(['json'], ['query']), FILTERS);
export const AGREE = join(spec(['json']), AGREEMENT);
export const REVIEW = spec(['json', 'all'], ['author']);
/** `qda import PROJECT.qdpx --out DIR [--language nb|en]`, `qda import codebook.qdc [--project DIR] [--rename | --replace]`. */
export const IMPORT_REFI = spec(['rename', 'replace'], ['out', 'project', 'language']);

/** `qda export FORMAT`: each format's options. */
export const EXPORT_FORMATS: Readonly<Record<string, OptionSpec>> = {
  'codebook-md': OUT,
  'codebook-docx': OUT,
  csv: OUT,
  'quotes-md': OUT,
  'quotes-docx': OUT,
  'agreement-md': join(OUT, AGREEMENT),
  'agreement-docx': join(OUT, AGREEMENT),
  'agreement-csv': join(OUT, AGREEMENT),
  'matrix-csv': join(OUT, MATRIX_OWN, FILTERS, spec(['framework'])),
  'matrix-xlsx': join(OUT, MATRIX_OWN, FILTERS, spec(['framework'])),
  'segments-csv': join(OUT, spec([], ['query']), FILTERS),
  'segments-xlsx': join(OUT, spec([], ['query']), FILTERS),
  'segments-docx': join(OUT, spec([], ['query', 'title']), FILTERS),
  'cooccur-csv': join(OUT, spec([], ['query']), FILTERS),
  'cooccur-xlsx': join(OUT, spec([], ['query']), FILTERS),
  'chart-svg': join(OUT, MATRIX_OWN, FILTERS, spec([], ['chart', 'measure', 'top', 'theme', 'title'])),
  qdpx: OUT,
  qdc: OUT,
  'theme-report-html': join(OUT, spec([], ['segments'])),
  'theme-report-docx': join(OUT, spec([], ['segments'])),
};

/** Every export format's options together: enough to find the format among the arguments. */
export const EXPORT = join(...Object.values(EXPORT_FORMATS));

/** The file name ending each export format writes with --out (the first is the one to suggest). */
export function exportExtensions(format: string): readonly string[] {
  const kind = format.slice(format.lastIndexOf('-') + 1);
  switch (kind) {
    case 'md':
      return ['.md', '.markdown'];
    case 'html':
      return ['.html', '.htm'];
    default:
      return ['.' + kind];
  }
}
