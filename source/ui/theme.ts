import {createContext, useContext} from 'react';
import type {StepStatus} from '../tree/types.js';

/** How the screen may draw: colours or not, Unicode symbols or ASCII. */
export type Theme = {
	readonly color: boolean;
	readonly ascii: boolean;
};

export type Symbols = Readonly<Record<StepStatus, string>> & {
	readonly pointer: string;
	readonly bullet: string;
	readonly rule: string;
	readonly quote: string;
	readonly cause: string;
	readonly ok: string;
	readonly spinner: 'dots' | 'line';
};

const unicode: Symbols = {
	passed: '✔',
	problem: '✖',
	unknown: '?',
	skipped: '–',
	pointer: '❯',
	bullet: '•',
	rule: '─',
	quote: '│',
	cause: '✖',
	ok: '✔',
	spinner: 'dots',
};

const ascii: Symbols = {
	passed: '+',
	problem: 'x',
	unknown: '?',
	skipped: '-',
	pointer: '>',
	bullet: '*',
	rule: '-',
	quote: '|',
	cause: 'x',
	ok: '+',
	spinner: 'line',
};

export function symbolsOf(theme: Theme): Symbols {
	return theme.ascii ? ascii : unicode;
}

/** Words for each mark, so the meaning never rests on a symbol or a colour alone. */
export const statusWords: Readonly<Record<StepStatus, string>> = {
	passed: 'passed',
	problem: 'found a problem',
	unknown: 'could not tell',
	skipped: 'skipped',
};

const statusColors: Readonly<Record<StepStatus, string>> = {
	passed: 'green',
	problem: 'red',
	unknown: 'yellow',
	skipped: 'gray',
};

export function statusColor(
	theme: Theme,
	status: StepStatus,
): string | undefined {
	return theme.color ? statusColors[status] : undefined;
}

/** A colour only when colours are on. */
export function tint(theme: Theme, color: string): string | undefined {
	return theme.color ? color : undefined;
}

/**
Decide from the environment: NO_COLOR (any value), --no-color (passed as `color: false`) and
TERM=dumb give plain output; TERM=dumb, the Linux console and a non-UTF-8 locale give ASCII symbols.
*/
export function detectTheme(
	env: Readonly<Record<string, string | undefined>>,
	color = true,
): Theme {
	const term = env['TERM'] ?? '';
	const plain = !color || env['NO_COLOR'] !== undefined || term === 'dumb';
	const locale =
		[env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find(
			value => value !== undefined && value !== '',
		) ?? '';
	const nonUtf8Locale = locale !== '' && !/utf-?8/i.test(locale);
	return {
		color: !plain,
		ascii:
			term === 'dumb' ||
			term === 'linux' ||
			nonUtf8Locale ||
			env['REFUSED_ASCII'] === '1',
	};
}

export const ThemeContext = createContext<Theme>({color: true, ascii: false});

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
