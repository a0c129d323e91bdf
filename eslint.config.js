import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which folders of src/ each folder may import (besides itself). The one written rule; the
 * docs/development.md's table states the same arrows.
 * A `path/file` entry allows that one module of the folder, not the rest of it.
 */
const ALLOWED = {
  xml: [],
  contract: ['xml'],
  config: ['mail/translations'], // the languages the mail templates are written in
  domain: [],
  soap: ['contract', 'xml'],
  rest: ['contract', 'xml'],
  describe: ['contract', 'xml'],
  handlers: ['contract', 'domain', 'soap/lexical'], // lexical: the wire's default values
  call: ['contract', 'domain', 'handlers', 'security', 'observability'],
  security: ['contract', 'domain'],
  store: ['domain'],
  mail: ['domain', 'xml'],
  observability: ['contract', 'domain'],
  feeds: ['domain'],
  http: ['contract', 'xml', 'soap', 'rest', 'describe', 'observability', 'security'],
  app: ['*'],
  cli: ['app', 'config', 'contract', 'describe', 'domain', 'feeds', 'mail', 'observability', 'security', 'store'],
};

/** Packages only some folders may use: SQL is the store's, sockets the edges'. */
const PACKAGE_ALLOWED = {
  kysely: ['store', 'app'],
  'node:http': ['http', 'app', 'observability'],
};

function folderRules() {
  const folders = Object.keys(ALLOWED);
  return folders.map((folder) => {
    const allowed = ALLOWED[folder];
    if (allowed.includes('*')) return { files: [`src/${folder}/**/*.ts`], rules: {} };
    const patterns = [];
    for (const other of folders) {
      if (other === folder || allowed.includes(other)) continue;
      // A single module of the folder may be allowed (e.g. `mail/translations`); such folders
      // have no sub-folders, so `*` covers them and the exception can re-admit the one file.
      const ones = allowed.filter((a) => a.startsWith(`${other}/`));
      const group = ones.length === 0 ? [`**/${other}/**`, `**/${other}`, `**/${other}.js`] : [`**/${other}/*`, ...ones.map((one) => `!**/${one}.js`)];
      patterns.push({ group, message: `src/${folder}/ may import only: ${allowed.join(', ') || 'nothing of ours'} (eslint.config.js ALLOWED, README "Dependency rules").` });
    }
    for (const [pkg, users] of Object.entries(PACKAGE_ALLOWED)) {
      if (!users.includes(folder)) patterns.push({ group: [pkg], message: `${pkg} is for src/${users.join('/, src/')}/ only.` });
    }
    return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  });
}

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
  // Dependencies between the folders of src/: an allow-list (README, "Dependency rules").
  // Every folder may import only the folders listed for it; any other import fails the build.
  ...folderRules(),
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
