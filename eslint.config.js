import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Dependencies point inward (ARCHITECTURE.md): the domain knows nothing of the edges,
    // and the contract and XML layers import nothing of ours.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/soap/**', '**/http/**', '**/store/**', '**/mail/**', '**/contract/**', '**/app/**', '**/handlers/**', 'kysely', 'node:http'] },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts', 'src/xml/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/soap/**', '**/http/**', '**/store/**', '**/mail/**', '**/domain/**', '**/app/**', '**/handlers/**', '**/describe/**'] }],
    },
  },
  {
    files: ['src/soap/**/*.ts', 'src/describe/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/http/**', '**/store/**', '**/mail/**', '**/domain/**', '**/app/**', '**/handlers/**', 'node:http', 'kysely'] }],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
