/**
Key → intent: the one place that knows which key does what. The reducer acts on intents only, so a
key can be rebound here without touching the state machine, and tests can send intents directly.
*/

/** The parts of Ink's key object the app reads. */
export type Key = {
	readonly upArrow: boolean;
	readonly downArrow: boolean;
	readonly pageUp: boolean;
	readonly pageDown: boolean;
	readonly home: boolean;
	readonly end: boolean;
	readonly return: boolean;
	readonly escape: boolean;
	readonly tab: boolean;
	readonly backspace: boolean;
	readonly delete: boolean;
	readonly ctrl: boolean;
	readonly meta: boolean;
};

export const noKey: Key = {
	upArrow: false,
	downArrow: false,
	pageUp: false,
	pageDown: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	tab: false,
	backspace: false,
	delete: false,
	ctrl: false,
	meta: false,
};

export type Intent =
	| {readonly kind: 'interrupt'}
	| {readonly kind: 'quit'}
	| {readonly kind: 'move'; readonly by: number}
	| {readonly kind: 'page'; readonly by: number}
	| {readonly kind: 'edge'; readonly to: 'first' | 'last'}
	| {readonly kind: 'enter'}
	| {readonly kind: 'pick'; readonly index: number}
	| {readonly kind: 'focus'}
	| {readonly kind: 'close'}
	| {readonly kind: 'copy'}
	| {readonly kind: 'learn'}
	| {readonly kind: 'rerun'}
	| {readonly kind: 'export'}
	| {readonly kind: 'back'}
	| {readonly kind: 'help'}
	| {readonly kind: 'map'}
	| {readonly kind: 'none'};

const letters: Readonly<Record<string, Intent>> = {
	q: {kind: 'quit'},
	c: {kind: 'copy'},
	'?': {kind: 'learn'},
	r: {kind: 'rerun'},
	e: {kind: 'export'},
	b: {kind: 'back'},
	h: {kind: 'help'},
	m: {kind: 'map'},
	k: {kind: 'move', by: -1},
	j: {kind: 'move', by: 1},
};

/** The walk screen's keys. */
export function walkIntent(input: string, key: Key): Intent {
	if (key.ctrl && input === 'c') {
		return {kind: 'interrupt'};
	}

	if (key.ctrl || key.meta) {
		return {kind: 'none'};
	}

	if (key.upArrow || key.downArrow) {
		return {kind: 'move', by: key.upArrow ? -1 : 1};
	}

	if (key.pageUp || key.pageDown) {
		return {kind: 'page', by: key.pageUp ? -1 : 1};
	}

	if (key.home || key.end) {
		return {kind: 'edge', to: key.home ? 'first' : 'last'};
	}

	if (key.return || input === ' ') {
		return {kind: 'enter'};
	}

	if (key.tab) {
		return {kind: 'focus'};
	}

	if (key.escape) {
		return {kind: 'close'};
	}

	if (/^[1-9]$/.test(input)) {
		return {kind: 'pick', index: Number(input) - 1};
	}

	return letters[input] ?? {kind: 'none'};
}

/** Ink's key object, reduced to what the app reads. */
export function pickKey(key: Key): Key {
	return {
		upArrow: key.upArrow,
		downArrow: key.downArrow,
		pageUp: key.pageUp,
		pageDown: key.pageDown,
		home: key.home,
		end: key.end,
		return: key.return,
		escape: key.escape,
		tab: key.tab,
		backspace: key.backspace,
		delete: key.delete,
		ctrl: key.ctrl,
		meta: key.meta,
	};
}
