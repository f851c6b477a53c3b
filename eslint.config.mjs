// typescript-eslint's recommended rules over the TypeScript sources and tests, and the layers of
// core (server/src/core) kept one way by lint.
import tseslint from 'typescript-eslint';

const EDITOR = ['vscode', 'vscode-languageserver*', 'vscode-languageclient*'];

// The layers of core, lowest first: a layer may import only from the layers before it (its own
// folder included); layers in one group are siblings and do not import each other.
const LAYERS = [['text'], ['model'], ['parse'], ['anchoring'], ['project'], ['checks', 'ops'], ['import', 'export', 'analysis', 'refi'], ['review']];

// Imports that break the layers, each allowed for its file only (none today: keep it so).
const KNOWN_LAYER_EXCEPTIONS = {};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The no-restricted-imports options for a file of `layer`, allowing `exceptions` (e.g. 'import/common'). */
function layerRule(layer, exceptions = []) {
  const level = LAYERS.findIndex((group) => group.includes(layer));
  const above = LAYERS.flat().filter((l) => l !== layer && LAYERS.findIndex((g) => g.includes(l)) >= level);
  const allowed = exceptions.length > 0 ? `(?!(${exceptions.map(escape).join('|')})$)` : '';
  return [
    'error',
    {
      paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({ name, message: 'core does no I/O except through FileSystem (core/model/fs.ts); server/src/nodeFs.ts is the one node:fs import.' })),
      patterns: [
        { group: EDITOR, message: 'Core must stay free of the editor: it also runs in the CLI and in tests.' },
        { regex: `^\\.\\./${allowed}(${above.join('|')})(/|$)`, message: `core/${layer} may import only from the layers below it (${LAYERS.slice(0, level).flat().join(', ') || 'none'}); see eslint.config.mjs.` },
        { regex: '^\\.\\./\\.\\.(/|$)', message: 'Core imports nothing outside server/src/core (the server, features and CLI build on core, not the other way).' },
      ],
    },
  ];
}

// Project's maps (texts, transcripts, notes, codings files, …) are for core only; outside core
// the named queries on Project (textOf, transcriptOf, noteOf, codingsFile, …) are used.
const PROJECT_INTERNALS = 'texts|roles|transcripts|notes|codingsFiles|identifiersText';
const internalsMessage = "Outside core, use Project's named queries (textOf, hasFile, textSourceOf, transcriptOf, isTranscript, noteOf, allNotes, codingsFile) instead of its maps.";

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'examples/**', 'bench/.corpus/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-restricted-imports': 'off',
    },
  },
  ...LAYERS.flat().map((layer) => ({
    files: [`server/src/core/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': layerRule(layer) },
  })),
  ...Object.entries(KNOWN_LAYER_EXCEPTIONS).map(([file, exceptions]) => ({
    files: [file],
    rules: { 'no-restricted-imports': layerRule(/server\/src\/core\/([^/]+)\//.exec(file)[1], exceptions) },
  })),
  {
    files: ['server/src/*.ts', 'server/src/features/**/*.ts', 'server/src/cli/**/*.ts', 'client/src/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: `MemberExpression[object.name=/^(project|p)$/][property.name=/^(${PROJECT_INTERNALS})$/]`, message: internalsMessage },
        { selector: `MemberExpression[object.property.name='project'][property.name=/^(${PROJECT_INTERNALS})$/]`, message: internalsMessage },
      ],
    },
  },
);
