/** What the explainers of the container-port step share. */
import {formatListener} from '../../parsers/docker-netns.js';
import type {
	ContainerFacts,
	ContainerInfo,
	ContainerMatch,
	Facts,
	NetnsListener,
} from '../../tree/facts.js';
import type {NetnsRead} from './chain.js';
import {nsenterCommand} from './fixes.js';

/** What every explainer of this step needs besides its verdict. */
export type PortWords = {
	readonly facts: Facts;
	readonly port: number;
	readonly uid: number | undefined;
	readonly cli: readonly string[];
	readonly netns: ReadonlyMap<string, NetnsRead>;
};

export const listenersText = (listeners: readonly NetnsListener[]) =>
	listeners.map(l => formatListener(l)).join(', ');

/** The facts this step adds: the container tied to the port, and how. */
export function matchFacts(
	facts: Facts,
	container: ContainerInfo,
	match: ContainerMatch,
): Facts {
	const containers: ContainerFacts = facts.containers ?? {readable: true};
	return {
		containers: {
			...containers,
			container: {
				name: container.name,
				id: container.id,
				state: container.state,
			},
			match,
		},
	};
}

/** The files read inside, or the command to run by hand. */
export function sourceOf(
	container: ContainerInfo,
	read: NetnsRead | undefined,
	uid: number | undefined,
): string {
	return read?.source ?? nsenterCommand(container.pid, uid);
}
