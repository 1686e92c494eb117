// Lint rules for the TypeScript sources (run with `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'data-large/**', 'data-large-bench/**', 'db/migrations/**', 'tests/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['static/js/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', HTMLFormElement: 'readonly', DOMParser: 'readonly' } },
  },
  // The offline scripts run in pages and in the service worker: the web platform's names they use.
  {
    files: ['static/js/offline.js', 'static/js/offline-core.js', 'static/js/service-worker.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['self', 'navigator', 'location', 'URL', 'URLSearchParams', 'fetch', 'Response', 'caches', 'FormData', 'File', 'DataTransfer', 'Event', 'Intl', 'setTimeout', 'clearTimeout', 'Uint8Array'].map((name) => [name, 'readonly']),
      ),
    },
  },
  // Layering: a feature is used by others only through its folder's index.ts; plugins, access rules, the
  // administrative units, lib and db sit below the features and import none of them.
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$).+', message: 'Import another feature through its index.ts only.' }] }],
    },
  },
  {
    files: ['src/plugins/**/*.ts', 'src/access/**/*.ts', 'src/areas/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(modules|services|seeds)(/|\\.js$)', message: 'Plugins, access rules and areas sit below the features: take what you need as an option instead.' }] }],
    },
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!i18n/)', message: 'lib is framework-free: it imports nothing of the app but message types.' }] }],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '/src/(?!lib/)', message: 'db/ (schema, client, migrations, reference data) imports no feature; seeds live in src/seeds.' }] }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
