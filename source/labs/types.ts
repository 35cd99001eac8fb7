/** A lab: a real broken situation, the goal set to the learner, and how to check it is fixed. */

export type Mode = 'guided' | 'hands-on';

/** What a lab's setup made: where the learner looks, and where the client and the diagnosis run. */
export type Situation = {
	/** The target the diagnosis dials (what the client dials). */
	readonly target: string;
	/** The goal, with the real port: "the app on port 5432 cannot reach its database". */
	readonly goal: string;
	/** Where to start looking by hand: commands for a shell. */
	readonly shell: readonly string[];
	/** The namespace the client (and the victory check) runs in; none: this host. */
	readonly clientNetns?: string;
	/** The namespace the diagnosis runs in (default: the client's). */
	readonly diagnoseNetns?: string;
	/** Environment the client carries (also given to the diagnosis). */
	readonly clientEnv?: Readonly<Record<string, string>>;
	/** How a learner fixes it, shown after the lab (and used by the tests). */
	readonly fix: readonly string[];
};

export type LabContext = {
	readonly folder: string;
	/** A TCP port free on this host for a lab without root (a private range). */
	readonly freePort: () => Promise<number>;
	readonly write: (name: string, text: string) => void;
	/** Write NAME.json and start `node service.js NAME` (in a namespace when given); resolves once it listens or exits. */
	readonly service: (
		name: string,
		config: Readonly<Record<string, unknown>>,
		options?: {readonly netns?: string; readonly start?: boolean},
	) => Promise<void>;
	/** Write client.json and client.env. */
	readonly client: (
		config: Readonly<Record<string, unknown>>,
		env?: Readonly<Record<string, string>>,
	) => void;
	/** A private namespace (recorded in the marker before it is made). */
	readonly namespace: (suffix: string) => Promise<string>;
	/** A veth link between two namespaces made by `namespace`. */
	readonly link: (
		a: {readonly netns: string; readonly address: string},
		b: {readonly netns: string; readonly address: string},
	) => Promise<void>;
	/** Run a command inside a namespace (argument array); throws when it fails. */
	readonly inside: (
		netns: string,
		file: string,
		args: readonly string[],
	) => Promise<string>;
	/** Start a long-running program of the lab (recorded in the marker). */
	readonly background: (
		file: string,
		args: readonly string[],
		netns?: string,
	) => Promise<void>;
	/** The lab's index in the catalogue: a subnet of its own (10.213.N.0/24). */
	readonly index: number;
};

export type Lab = {
	readonly id: string;
	readonly title: string;
	/** Needs root (a private network namespace, rules). */
	readonly root: boolean;
	readonly mode: Mode;
	/** The cause id the diagnosis should end on (the registry's). */
	readonly cause: string;
	/** What it teaches, one line. */
	readonly lesson: string;
	readonly setup: (context: LabContext) => Promise<Situation>;
};
