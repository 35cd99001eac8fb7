/** The fork "look at the server over SSH?": its keys, `b` on it, and the server's result (pure). */
import type {Report} from '../report/model.js';
import type {Intent} from './keymap.js';
import {request} from './requests.js';
import {
	destinationOf,
	serverPending,
	viaKey,
	viaPrompt,
} from './server-view.js';
import type {AppState} from './state.js';

/** Answer the fork: yes asks the hook to run the server's side; no leaves the walk as it is. */
function answerServer(state: AppState, index: number): AppState {
	const destination = destinationOf(state.session!);
	const base = {...state, choice: 0, cursor: index === 0 ? undefined : viaKey};
	if (index !== 0) {
		return {
			...base,
			server: {phase: 'declined', destination},
			notice: undefined,
		};
	}

	const run = state.serverRuns + 1;
	return request(
		{
			...base,
			serverRuns: run,
			server: {phase: 'running', destination, startedAt: state.now, run},
			notice: `Looking at the server: ssh ${destination} in BatchMode (no password or passphrase prompt here); b goes back.`,
		},
		{kind: 'server', destination, run},
	);
}

/** Keys while the fork waits: ↑↓ pick a choice, enter or 1/2 answers. */
export function serverIntent(
	state: AppState,
	intent: Intent,
): AppState | undefined {
	if (
		!serverPending(state) ||
		state.focus !== 'tree' ||
		state.map ||
		state.help
	) {
		return undefined;
	}

	switch (intent.kind) {
		case 'move': {
			return {...state, choice: (state.choice + 2 + intent.by) % 2};
		}

		case 'enter': {
			return answerServer(state, state.choice);
		}

		case 'pick': {
			return intent.index < 2 ? answerServer(state, intent.index) : state;
		}

		default: {
			return undefined;
		}
	}
}

/** `b` after the fork was answered: the answer is undone and the card shows this host's report again. */
export function serverBack(state: AppState): AppState {
	if (!state.server) {
		return state;
	}

	const label =
		state.server.phase === 'declined'
			? 'No'
			: `Yes: ssh ${state.server.destination}`;
	return {
		...state,
		server: undefined,
		choice: 0,
		cursor: undefined,
		focus: 'tree',
		detail: false,
		fix: 0,
		lowerTop: 0,
		notice: `Back: your answer "${label}" to "${viaPrompt}" is undone; the server's side is set aside.`,
	};
}

/** The server's side finished: its joined report, unless `b` or `r` set that run aside. */
export function serverDone(
	state: AppState,
	run: number,
	report: Report,
): AppState {
	const {server} = state;
	if (server?.phase !== 'running' || server.run !== run) {
		return state;
	}

	const failure = report.server?.error;
	return {
		...state,
		server: {
			phase: 'done',
			destination: server.destination,
			report,
		},
		fix: 0,
		lowerTop: 0,
		notice: failure
			? `ssh ${server.destination}: ${failure.message}`
			: undefined,
	};
}
