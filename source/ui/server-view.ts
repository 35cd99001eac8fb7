/**
The app's fork "look at the server over SSH?" (issue 11), owned by the UI: offered inline at the
"another host" branch once the walk ended on a refusal from another host (the `remote` step ran),
with the ssh destination prefilled from the target. Answering yes asks the hook to run the
server's side (BatchMode: no prompt inside the tree); its joined report then replaces this
host's report on the cause card. Pure selectors over the state; the hook does the I/O.
*/
import type {Session} from '../engine/session.js';
import {buildReport, type Report} from '../report/model.js';
import {shellQuote} from '../text/sanitize.js';
import {seconds} from './select-tree.js';
import {wrapRows, type Row} from './rows.js';
import type {TreeNode} from './tree-rows.js';

export type ServerView =
	| {readonly phase: 'declined'; readonly destination: string}
	| {
			readonly phase: 'running';
			readonly destination: string;
			readonly startedAt: number;
			/** Which run this is: a result of an older one (before `b` or `r`) is ignored. */
			readonly run: number;
	  }
	| {
			readonly phase: 'done';
			readonly destination: string;
			readonly report: Report;
	  };

export const viaKey = 'question:via';
export const viaPrompt = 'Look at the server over SSH?';
export const viaWhy =
	"the server's listeners, firewall and logs can only be read there";

/** The ssh destination for the target's host: the name as typed, an IPv6 address in brackets. */
export function destinationOf(session: Session): string {
	const {host} = session.target;
	return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

type OfferState = {
	readonly session?: Session;
	readonly concluded: boolean;
	readonly server?: ServerView;
	/** False when the app was started with --via (the server's side already ran). */
	readonly offerServer?: boolean;
};

/** The walk ended on a refusal from another host: the server's side can be looked at. */
export function serverOffered(state: OfferState): boolean {
	const result = state.session?.steps['remote']?.result;
	return (
		state.offerServer !== false &&
		state.concluded &&
		result !== undefined &&
		result.status !== 'skipped'
	);
}

/** The fork waits for an answer. */
export function serverPending(state: OfferState): boolean {
	return serverOffered(state) && state.server === undefined;
}

/** The report the card shows: the joined one once the server's side ran, else this host's. */
export function shownReport(state: {
	readonly session: Session;
	readonly server?: ServerView;
}): Report {
	return state.server?.phase === 'done' && !state.server.report.server?.error
		? state.server.report
		: buildReport(state.session);
}

/** The command to run in a terminal, where ssh can ask for a password, a passphrase or a new host key. */
export const viaCommand = (session: Session, destination: string) =>
	shellQuote(['refused', session.target.input, '--via', destination]);

const retry = (session: Session, destination: string) =>
	`In a terminal: ${viaCommand(session, destination)} (ssh can ask there for a password or passphrase)`;

function doneNodes(
	session: Session,
	view: Extract<ServerView, {phase: 'done'}>,
): TreeNode[] {
	const {server} = view.report;
	if (!server) {
		return [];
	}

	if (server.error) {
		return [
			{
				key: 'server:error',
				mark: 'unknown',
				label: 'server',
				verdict: `ssh ${view.destination}: ${server.error.message}`,
				note: retry(session, view.destination),
			},
		];
	}

	const steps = server.steps
		.filter(step => step.status !== 'skipped')
		.map((step): TreeNode => ({
			key: `server:${step.id}`,
			mark: step.status,
			label: step.id,
			verdict: step.detail,
		}));
	const who = server.user ? `${server.user}@` : '';
	return [
		{
			key: 'server:root',
			mark:
				view.report.causes[0]?.confidence === 'confirmed'
					? 'problem'
					: 'passed',
			label: 'server',
			verdict: `on ${who}${server.host ?? view.destination}: ${server.verdict}`,
			children: steps,
			onPath: true,
		},
	];
}

/** The fork's nodes under the "another host" branch (none when it is not offered). */
export function serverNodes(
	state: OfferState & {readonly now: number; readonly choice: number},
): TreeNode[] {
	const {session, server} = state;
	if (!session || !serverOffered(state)) {
		return [];
	}

	const destination = server?.destination ?? destinationOf(session);
	if (!server) {
		return [
			{
				key: viaKey,
				mark: 'ask',
				label: 'via?',
				verdict: viaPrompt,
				note: `Why I ask: ${viaWhy}.`,
				choices: [`Yes: ssh ${destination}`, 'No'],
				chosen: state.choice,
			},
		];
	}

	const answer: TreeNode = {
		key: viaKey,
		mark: 'answer',
		label: 'via?',
		verdict: `${server.phase === 'declined' ? 'No' : `Yes: ssh ${destination}`} (your answer): ${viaPrompt}`,
	};
	switch (server.phase) {
		case 'declined': {
			return [answer];
		}

		case 'running': {
			const elapsed = Math.max(0, state.now - server.startedAt);
			return [
				answer,
				{
					key: 'server:running',
					mark: 'running',
					label: 'server',
					verdict: `${seconds(elapsed)}: ssh ${destination} (BatchMode, no prompt): the server's steps run there`,
				},
			];
		}

		case 'done': {
			return [answer, ...doneNodes(session, server)];
		}
	}
}

/** The fork's nodes, placed under the "another host" branch (the tree selector's extras). */
export function serverExtras(
	state: OfferState & {readonly now: number; readonly choice: number},
): Record<string, readonly TreeNode[]> {
	const nodes = serverNodes(state);
	return nodes.length > 0 ? {'another-host': nodes} : {};
}

/** The fork's node the walk is at: the question waiting, or the server's side running. */
export function serverFollowed(state: OfferState): string | undefined {
	if (serverPending(state)) {
		return viaKey;
	}

	switch (state.server?.phase) {
		case 'running': {
			return 'server:running';
		}

		case 'done': {
			return state.server.report.server?.error ? 'server:error' : 'server:root';
		}

		default: {
			return undefined;
		}
	}
}

/** The detail pane for the fork's nodes (undefined: not one of them). */
export function serverDetail(
	state: OfferState,
	key: string,
	width: number,
): Row[] | undefined {
	const {session, server} = state;
	if (!session || (key !== viaKey && !key.startsWith('server:'))) {
		return undefined;
	}

	const destination = server?.destination ?? destinationOf(session);
	const command = viaCommand(session, destination);
	if (key === viaKey || server?.phase !== 'done' || !server.report.server) {
		return [
			[{text: viaPrompt, bold: true}],
			...wrapRows(`Why I ask: ${viaWhy}.`, width, {tone: 'learn'}),
			...wrapRows(
				`Yes runs the server's steps there through your ssh (${destination}), in BatchMode: no password or passphrase prompt here. The same from a terminal: ${command}`,
				width,
			),
		];
	}

	const report = server.report.server;
	const step = report.steps.find(s => `server:${s.id}` === key);
	if (step) {
		return [
			[{text: `${step.title} (on ${report.host ?? destination})`, bold: true}],
			...(step.command ? wrapRows(`$ ${step.command}`, width) : []),
			...(step.output ?? []).map((line): Row => [{text: line, tone: 'muted'}]),
			...wrapRows(step.detail, width),
		];
	}

	return connectionDetail(report, destination, command, width);
}

function connectionDetail(
	report: NonNullable<Report['server']>,
	destination: string,
	command: string,
	width: number,
): Row[] {
	return [
		[{text: `ssh ${destination}`, bold: true}],
		...wrapRows(report.error?.message ?? report.verdict, width),
		...(report.user
			? wrapRows(
					`As ${report.user} (${report.privilege ?? 'user'}) on ${report.host ?? destination}; ${report.commands} commands over one connection.`,
					width,
				)
			: []),
		...(report.sudo ? wrapRows(`sudo: ${report.sudo}`, width) : []),
		...(report.error ? wrapRows(`In a terminal: ${command}`, width) : []),
	];
}
