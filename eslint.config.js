// ESLint for the whole repository, as `sv create` sets it up for SvelteKit:
// JavaScript and typescript-eslint recommended rules, eslint-plugin-svelte's
// recommended rules, and eslint-config-prettier to leave layout to Prettier.
import prettier from 'eslint-config-prettier';
import { fileURLToPath } from 'node:url';
import { includeIgnoreFile } from '@eslint/compat';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const gitignorePath = fileURLToPath(new URL('./.gitignore', import.meta.url));

export default defineConfig(
	includeIgnoreFile(gitignorePath),
	{ ignores: ['drizzle/', 'test-results-pg/', 'static/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node }
		},
		rules: {
			// TypeScript already checks that names are defined; typescript-eslint
			// advises turning no-undef off on TypeScript projects.
			'no-undef': 'off',
			// Porthole is served from the root (no kit.paths.base), and its links
			// include query-only hrefs (?range=7d) and the embed's absolute links to
			// the site's origin, which resolve() cannot express. Programmatic
			// navigation (goto) still goes through resolve().
			'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }],
			// An argument or binding named with a leading underscore is unused on
			// purpose (a callback's fixed signature, a rest spread that drops keys).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{
					argsIgnorePattern: '^_',
					varsIgnorePattern: '^_',
					caughtErrorsIgnorePattern: '^_',
					destructuredArrayIgnorePattern: '^_',
					ignoreRestSiblings: true
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
