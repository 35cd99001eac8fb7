/**
What stays in the scrollback after the app leaves the alternate screen: the final tree, the cause
card with every fix, as plain text (the same selectors as the screen, nothing windowed or cut).
*/
import {asciiText, rowText, type Row} from './rows.js';
import {causeCard} from './select-detail.js';
import {treeContext, walkTree} from './select-tree.js';
import {serverExtras, shownReport} from './server-view.js';
import type {AppState} from './state.js';
import {asciiGlyphs, treeRows, unicodeGlyphs} from './tree-rows.js';

export function finalText(state: AppState, ascii = false): string {
	const {session} = state;
	if (!session) {
		return '';
	}

	const width = Math.max(40, state.columns);
	const root = walkTree(treeContext(state, session, serverExtras(state)));
	const tree = treeRows(root, {
		width,
		glyphs: ascii ? asciiGlyphs : unicodeGlyphs,
		spinner: ascii ? '-' : '⠿',
		toggled: new Set(state.toggled),
	});
	const rows: Row[] = [...tree.rows];
	if (state.concluded) {
		const report = shownReport({session, server: state.server});
		rows.push(
			...causeCard(report, {
				width,
				unfolded: new Set(report.causes.map(cause => cause.id)),
				ascii,
			}).rows,
		);
	} else {
		rows.push([{text: 'The walk did not finish: no cause yet.'}]);
	}

	const text = rows.map(row => rowText(row).trimEnd()).join('\n');
	return `${ascii ? asciiText(text) : text}\n`;
}
