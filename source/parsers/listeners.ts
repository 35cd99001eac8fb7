/**
The listener inventory (`Listeners` in tree/facts.ts) over what a source read. A source gives rows:
the cheap fields of each listener (its port, its owner's pid), and the full listener on demand. A
diagnosis looks at a few ports of possibly 100,000 listeners, so only those are built. Pure.
*/
import type {Listener, Listeners} from '../tree/facts.js';

/** What a source read, one row per listener, in the order read. */
export type ListenerRows = {
	/** Each listener's port. */
	readonly ports: ArrayLike<number>;
	/** The pid of each listener's owner process, when it has one whose user is not known yet; else -1. */
	readonly ownerPids: ArrayLike<number>;
	/** Whether the listener shows an owner process. */
	owned(index: number): boolean;
	/** The listener in full (asked once per index). */
	build(index: number): Listener;
	/** Indexes (ascending) of every listener that may be held by a process of these names: a superset, each is checked in full. */
	mayBeNamed(names: readonly string[]): readonly number[];
};

/** Rows over listeners already built (/proc/net/tcp, lsof, tests). */
function rowsOf(listeners: readonly Listener[]): ListenerRows {
	return {
		ports: listeners.map(l => l.port),
		ownerPids: listeners.map(({process: owner}) =>
			owner && owner.user === undefined ? owner.pid : -1,
		),
		owned: index => listeners[index]!.process !== undefined,
		build: index => listeners[index]!,
		mayBeNamed: () => listeners.map((_, index) => index),
	};
}

const portSlots = 65_536;

function processNames(listener: Listener): string[] {
	return (
		listener.processes ?? (listener.process ? [listener.process] : [])
	).map(p => p.name);
}

export class ListenerTable implements Listeners {
	readonly count: number;
	readonly #rows: ListenerRows;
	readonly #decorate: Array<(listener: Listener, index: number) => Listener>;
	readonly #built = new Map<number, Listener>();
	/** Port → its listeners' indexes as chains: first index per port (ports 0..65535), next index per row; other ports in a map. */
	#first: Int32Array | undefined;
	/** Every port, once, in the order first read. */
	readonly #ports: number[] = [];
	#next: Int32Array | undefined;
	#others: Map<number, number[]> | undefined;

	constructor(
		rows: ListenerRows,
		decorate: ReadonlyArray<
			(listener: Listener, index: number) => Listener
		> = [],
	) {
		this.count = rows.ports.length;
		this.#rows = rows;
		this.#decorate = [...decorate];
	}

	/** The pid of each listener's owner when its user is not known yet, else -1 (cheap). */
	get ownerPids(): ArrayLike<number> {
		return this.#rows.ownerPids;
	}

	/** The same inventory, each listener passed through `change` when it is built. */
	map(change: (listener: Listener, index: number) => Listener): ListenerTable {
		return new ListenerTable(this.#rows, [...this.#decorate, change]);
	}

	listener(index: number): Listener {
		let listener = this.#built.get(index);
		if (!listener) {
			listener = this.#rows.build(index);
			for (const change of this.#decorate) {
				listener = change(listener, index);
			}

			this.#built.set(index, listener);
		}

		return listener;
	}

	onPort(port: number): readonly Listener[] {
		this.#index();
		const result: Listener[] = [];
		if (Number.isInteger(port) && port >= 0 && port < portSlots) {
			for (let at = this.#first![port]!; at !== -1; at = this.#next![at]!) {
				result.push(this.listener(at));
			}
		} else {
			for (const at of this.#others!.get(port) ?? []) {
				result.push(this.listener(at));
			}
		}

		return result;
	}

	ports(): readonly number[] {
		this.#index();
		return [...this.#ports];
	}

	named(names: readonly string[]): readonly Listener[] {
		return this.#rows
			.mayBeNamed(names)
			.map(index => this.listener(index))
			.filter(l => processNames(l).some(name => names.includes(name)));
	}

	allOwned(): boolean {
		for (let index = 0; index < this.count; index++) {
			if (!this.#rows.owned(index)) {
				return false;
			}
		}

		return true;
	}

	all(): readonly Listener[] {
		return Array.from({length: this.count}, (_, index) => this.listener(index));
	}

	/** Build the port chains (once, on the first lookup). */
	#index(): void {
		if (this.#first) {
			return;
		}

		const first = new Int32Array(portSlots).fill(-1);
		const last = new Int32Array(portSlots).fill(-1);
		const next = new Int32Array(this.count).fill(-1);
		const others = new Map<number, number[]>();
		const {ports} = this.#rows;
		for (let index = 0; index < this.count; index++) {
			const port = ports[index]!;
			if (Number.isInteger(port) && port >= 0 && port < portSlots) {
				if (last[port] === -1) {
					first[port] = index;
					this.#ports.push(port);
				} else {
					next[last[port]!] = index;
				}

				last[port] = index;
			} else if (others.has(port)) {
				others.get(port)!.push(index);
			} else {
				others.set(port, [index]);
				this.#ports.push(port);
			}
		}

		this.#first = first;
		this.#next = next;
		this.#others = others;
	}
}

/** An inventory of listeners already built. */
export function listenerList(listeners: readonly Listener[]): ListenerTable {
	return new ListenerTable(rowsOf(listeners));
}
