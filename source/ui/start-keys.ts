/** The start screen's keys: type a target (or paste it), or pick the practice case. */
import {noKey, type Key} from './keymap.js';
import {request} from './requests.js';
import type {AppState} from './state.js';

const isPrintable = (input: string, key: Key) =>
	input.length > 0 &&
	!key.ctrl &&
	!key.meta &&
	!key.escape &&
	!key.return &&
	!key.tab &&
	!/[\u0000-\u001F\u007F]/.test(input);

function typePasted(state: AppState, input: string): AppState {
	let next = state;
	for (const char of input) {
		const isEnter = char === '\r' || char === '\n';
		const isBackspace = char === '\u007F' || char === '\b';
		next =
			next.screen === 'start'
				? startScreenKey(next, isEnter || isBackspace ? '' : char, {
						...noKey,
						return: isEnter,
						backspace: isBackspace,
					})
				: next;
	}

	return next;
}

function startEnter(state: AppState): AppState {
	if (state.field === 2) {
		return request(
			{...state, screen: 'starting'},
			{kind: 'quit', interrupted: false, next: 'labs'},
		);
	}

	if (state.field === 1) {
		return request(
			{...state, screen: 'starting', error: undefined},
			{kind: 'practice'},
		);
	}

	if (state.text.trim() === '') {
		return {
			...state,
			error:
				'Type a target first (for example localhost:5432), or choose the practice case.',
		};
	}

	// Parsing is the hook's job (ui/ does not import parsers/): it answers with start or start-failed.
	return request(
		{...state, screen: 'starting', error: undefined},
		{kind: 'parse', text: state.text.trim()},
	);
}

export function startScreenKey(
	state: AppState,
	input: string,
	key: Key,
): AppState {
	if (state.screen === 'starting') {
		return key.ctrl && input === 'c'
			? request(state, {kind: 'quit', interrupted: true})
			: state;
	}

	if ((key.ctrl && input === 'c') || key.escape) {
		return request(state, {kind: 'quit', interrupted: key.ctrl});
	}

	// A paste (or keys typed faster than a frame) arrives as one chunk: apply it a character at a time.
	if (
		input.length > 1 &&
		!key.ctrl &&
		!key.meta &&
		!input.startsWith('\u001B')
	) {
		// Several lines: a pasted error message, decoded whole by the hook.
		return /\S[\r\n]+\S/.test(input)
			? request(
					{...state, screen: 'starting', error: undefined},
					{kind: 'parse', text: input},
				)
			: typePasted(state, input);
	}

	if (key.upArrow || key.downArrow || key.tab) {
		const step = key.upArrow ? 2 : 1;
		return {...state, field: ((state.field + step) % 3) as 0 | 1 | 2};
	}

	if (key.return) {
		return startEnter(state);
	}

	if (key.backspace || key.delete) {
		return {
			...state,
			field: 0,
			text: state.text.slice(0, -1),
			error: undefined,
		};
	}

	if (isPrintable(input, key)) {
		return {...state, field: 0, text: state.text + input, error: undefined};
	}

	return state;
}
