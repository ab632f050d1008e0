// @ts-nocheck
// npm run lint: ESLint's and typescript-eslint's recommended rules, as they come.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'reports/', '.stryker-tmp/', 'bench/out/', 'test-artifacts/', 'demo-out/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      // a leading underscore names what is left out on purpose (`const { a: _a, ...rest } = x`, an unused callback parameter)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
