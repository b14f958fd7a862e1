// CodeMirror 6 set-up for the eval editor. Imported dynamically by
// EvalEditor.svelte, so only the admin editor page ever loads it.
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab, undo } from '@codemirror/commands';
import {
	HighlightStyle,
	bracketMatching,
	indentOnInput,
	indentUnit,
	ensureSyntaxTree,
	syntaxHighlighting,
	syntaxTree
} from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { tags as t } from '@lezer/highlight';

// Colours are CSS variables (set in EvalEditor.svelte for light and dark), so
// the editor follows the page theme without reconfiguring.
const highlight = HighlightStyle.define([
	{ tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: 'var(--cm-keyword)' },
	{ tag: [t.string, t.special(t.string), t.regexp], color: 'var(--cm-string)' },
	{ tag: [t.number, t.bool, t.null, t.atom], color: 'var(--cm-number)' },
	{ tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--cm-comment)', fontStyle: 'italic' },
	{ tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--cm-function)' },
	{ tag: t.invalid, color: 'var(--color-down-ink)' }
]);

const theme = EditorView.theme({
	'&': {
		backgroundColor: 'var(--color-surface)',
		color: 'var(--color-text)',
		fontSize: '13px',
		height: '100%'
	},
	'.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '20px', overflow: 'auto' },
	'.cm-content': { caretColor: 'var(--color-text)', padding: '8px 0' },
	'.cm-gutters': {
		backgroundColor: 'var(--color-surface)',
		color: 'var(--color-muted)',
		borderRight: '1px solid var(--color-border)'
	},
	'.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--color-text) 4%, transparent)' },
	'.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--color-text)' },
	'&.cm-focused': { outline: 'none' },
	'.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
		backgroundColor: 'color-mix(in srgb, var(--color-maintenance) 20%, transparent) !important'
	},
	'.cm-matchingBracket': {
		backgroundColor: 'color-mix(in srgb, var(--color-up) 22%, transparent)',
		outline: '1px solid color-mix(in srgb, var(--color-up) 60%, transparent)'
	},
	'.cm-nonmatchingBracket': { backgroundColor: 'color-mix(in srgb, var(--color-down) 25%, transparent)' },
	'.cm-cursor': { borderLeftColor: 'var(--color-text)' },
	'.cm-tooltip': {
		backgroundColor: 'var(--color-surface)',
		border: '1px solid var(--color-border)',
		color: 'var(--color-text)'
	}
});

export interface SyntaxProblem {
	line: number;
	column: number;
	from: number;
	message: string;
}

/** Syntax errors straight from the Lezer tree's error nodes: instant, before any save. */
export function syntaxProblems(state: EditorState): SyntaxProblem[] {
	const out: SyntaxProblem[] = [];
	// The whole tree, not the part parsed so far: an unfinished incremental
	// parse shows error nodes where it stopped. Eval functions are small.
	const tree = ensureSyntaxTree(state, state.doc.length, 500) ?? syntaxTree(state);
	tree.iterate({
		enter(node) {
			if (!node.type.isError || out.length >= 20) return;
			const line = state.doc.lineAt(node.from);
			const near = state.doc.sliceString(node.from, Math.min(Math.max(node.to, node.from + 1), node.from + 12)).trim();
			out.push({
				line: line.number,
				column: node.from - line.from + 1,
				from: node.from,
				message: near ? `Unexpected "${near.split('\n')[0]}"` : node.from >= state.doc.length ? 'Unexpected end of input' : 'Syntax error'
			});
		}
	});
	return out;
}

const syntaxLinter = linter(
	(view): Diagnostic[] =>
		syntaxProblems(view.state).map((p) => ({
			from: p.from,
			to: Math.min(p.from + 1, view.state.doc.length),
			severity: 'error',
			message: p.message
		})),
	{ delay: 150 }
);

export interface EditorHooks {
	onChange(doc: string, problems: SyntaxProblem[]): void;
	onRun(): void;
	onSave(): void;
}

export function createEditor(parent: HTMLElement, doc: string, hooks: EditorHooks): EditorView {
	const extensions: Extension[] = [
		lineNumbers(),
		highlightActiveLineGutter(),
		history(),
		drawSelection(),
		indentOnInput(),
		indentUnit.of('    '),
		EditorState.tabSize.of(4),
		bracketMatching(),
		closeBrackets(),
		highlightActiveLine(),
		javascript(),
		syntaxHighlighting(highlight),
		lintGutter(),
		syntaxLinter,
		theme,
		EditorView.contentAttributes.of({ 'aria-label': 'Eval function (JavaScript)' }),
		keymap.of([
			{ key: 'Mod-Enter', run: () => (hooks.onRun(), true) },
			{ key: 'Mod-s', run: () => (hooks.onSave(), true), preventDefault: true },
			...closeBracketsKeymap,
			...defaultKeymap,
			...historyKeymap,
			indentWithTab
		]),
		EditorView.updateListener.of((u) => {
			if (u.docChanged) hooks.onChange(u.state.doc.toString(), syntaxProblems(u.state));
		})
	];
	const view = new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
	hooks.onChange(doc, syntaxProblems(view.state));
	return view;
}

/** Replaces the whole text in one transaction, so a single undo brings the old code back. */
export function replaceAll(view: EditorView, text: string): void {
	view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: 'input.replace' });
	view.focus();
}

export function goToLine(view: EditorView, line: number, column = 1): void {
	const l = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
	const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
	view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
	view.focus();
}

export { undo };
