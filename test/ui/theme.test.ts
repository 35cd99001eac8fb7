import {describe, expect, test} from 'vitest';
import {clipboardHint, osc52} from '../../source/ui/osc52.js';
import {detectTheme, symbolsOf} from '../../source/ui/theme.js';

describe('detectTheme', () => {
	test.each([
		[
			{TERM: 'xterm-256color', LANG: 'C.UTF-8'},
			true,
			{color: true, ascii: false},
		],
		[
			{TERM: 'xterm-256color', NO_COLOR: ''},
			true,
			{color: false, ascii: false},
		],
		[
			{TERM: 'xterm-256color', NO_COLOR: '1'},
			true,
			{color: false, ascii: false},
		],
		[{TERM: 'xterm-256color'}, false, {color: false, ascii: false}],
		[{TERM: 'dumb'}, true, {color: false, ascii: true}],
		[{TERM: 'linux'}, true, {color: true, ascii: true}],
		[{TERM: 'xterm', LANG: 'C'}, true, {color: true, ascii: true}],
		[
			{TERM: 'xterm', LC_ALL: 'en_US.UTF-8', LANG: 'C'},
			true,
			{color: true, ascii: false},
		],
		[
			{TERM: 'xterm', LC_ALL: '', LANG: 'POSIX'},
			true,
			{color: true, ascii: true},
		],
	])('%j with colour flag %s gives %j', (env, color, expected) => {
		expect(detectTheme(env, color)).toEqual(expected);
	});

	test('ASCII symbols are plain ASCII', () => {
		const symbols = symbolsOf({color: false, ascii: true});
		for (const value of Object.values(symbols)) {
			expect(value).toMatch(/^[\u0020-\u007E]+$/);
		}
	});
});

describe('osc52', () => {
	test('the clipboard sequence carries the text in base64', () => {
		expect(osc52('sudo systemctl start postgresql', {TERM: 'xterm'})).toBe(
			`\u001B]52;c;${Buffer.from('sudo systemctl start postgresql').toString('base64')}\u0007`,
		);
		expect(osc52('ü ✔', {})).toBe('\u001B]52;c;w7wg4pyU\u0007');
	});

	test('GNU screen wraps it in its passthrough; tmux (TMUX set) does not', () => {
		expect(osc52('x', {TERM: 'screen-256color'})).toBe(
			'\u001BP\u001B]52;c;eA==\u0007\u001B\\',
		);
		expect(
			osc52('x', {TERM: 'screen-256color', TMUX: '/tmp/tmux-0/default,9,0'}),
		).toBe('\u001B]52;c;eA==\u0007');
		expect(clipboardHint({TMUX: '/tmp/tmux-0/default,9,0'})).toBe(
			'inside tmux this needs: set -g set-clipboard on',
		);
	});
});
