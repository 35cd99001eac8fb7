/** Listeners on the port, but none takes the dialed address: loopback-only, address-family-mismatch or bound-elsewhere. */
import type {
	AddressProbe,
	ConfigLine,
	Listener,
	ListenerFacts,
	ServiceConfigFacts,
} from '../../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../../tree/types.js';
import {hostPort, isLoopback} from '../../../net/address.js';
import {devServerFix} from '../../../services/dev-servers.js';
import type {ServiceModule} from '../../../services/index.js';
import type {JudgeInput} from '../../define.js';
import {
	accepts,
	describeListener,
	familyOf,
	isLoopbackListener,
	isWildcard,
	plainAddress,
	unmapped,
} from '../address.js';
import {bindFixes} from '../fixes.js';
import {
	configFor,
	hostKind,
	notInUse,
	ownerName,
	probeLine,
	quote,
	serviceOf,
} from './common.js';

/** The line that decides where it listens: the active setting, else the commented default. */
function bindLineOf(
	config: ServiceConfigFacts | undefined,
	port: number,
): ConfigLine | undefined {
	const lines = config?.lines.filter(l => l.addresses) ?? [];
	const active = lines.filter(
		l => !l.commented && (l.port === undefined || l.port === port),
	);
	return (
		active.find(l => l.line === 0) ??
		active.at(-1) ??
		lines.findLast(l => l.commented)
	);
}

/** Families a listener takes: "::" dual-stack takes both. */
function familiesOf(
	listener: Listener,
	bindv6only: boolean | undefined,
): Set<4 | 6> {
	if (plainAddress(listener.address) === '::') {
		return (listener.v6only ?? bindv6only ?? false)
			? new Set([6])
			: new Set([4, 6]);
	}

	return new Set([familyOf(listener.address)]);
}

type Scene = {
	readonly input: JudgeInput;
	readonly inventory: ListenerFacts;
	readonly onPort: readonly Listener[];
	readonly owner: Listener;
	readonly service: ServiceModule | undefined;
	readonly config: ServiceConfigFacts | undefined;
	readonly bindLine: ConfigLine | undefined;
	/** The dialed address no listener takes. */
	readonly address: string;
	readonly where: string;
	readonly evidence: readonly string[];
	readonly argv: readonly string[];
	/** Where it listens now, when its config file is not known. */
	readonly listening?: readonly string[];
};

/** The fixes that make the server listen on `listenOn`: a dev server's flag, the service's config edit, or in general. */
function fixesFor(scene: Scene, listenOn: string): Fix[] {
	const {service, input} = scene;
	const {port} = input.target;
	const dev =
		service && !service.syntax
			? devServerFix(
					scene.argv,
					port,
					service.exposure,
					listenOn.includes(':') ? '::' : '0.0.0.0',
				)
			: undefined;
	if (dev) {
		return [dev];
	}

	return service
		? bindFixes(service, scene, {address: listenOn, port}, hostKind(input))
		: [
				{
					command: `listen on ${hostPort(listenOn, port)} (or 0.0.0.0 / ::)`,
					why: 'Make the server listen on the address clients dial.',
				},
			];
}

function loopbackOnly(scene: Scene): Finding {
	const {address, owner, where, input} = scene;
	return {
		id: 'loopback-only',
		confidence: 'confirmed',
		summary: `${ownerName(owner)} listens on ${where} only (loopback); ${hostPort(address, input.target.port)} is another address of this host, so connections to it are refused.`,
		evidence: scene.evidence,
		fixes: fixesFor(scene, address),
	};
}

function familyMismatch(scene: Scene): Finding {
	const {address, owner, where, onPort, inventory, service, input} = scene;
	const {port} = input.target;
	const {bindv6only} = inventory;
	const has = onPort.some(l => familiesOf(l, bindv6only).has(6))
		? 'IPv6'
		: 'IPv4';
	const wanted = familyOf(address) === 6 ? 'IPv6' : 'IPv4';
	const v6only = onPort.some(l => plainAddress(l.address) === '::' && l.v6only);
	const v6onlyNote = v6only
		? [
				`the :: socket is IPv6-only (IPV6_V6ONLY set by the program${bindv6only === undefined ? '' : `; net.ipv6.bindv6only=${bindv6only ? 1 : 0}`})`,
			]
		: [];
	const other = onPort.find(l => !isWildcard(l.address));
	const dualStack =
		service?.id === 'nginx' &&
		onPort.some(l => plainAddress(l.address) === '::')
			? [
					{
						command: `listen [::]:${port} ipv6only=off;`,
						why: 'Or one dual-stack socket for both families (nginx).',
					},
				]
			: [];
	const [listenLines, rest] = [
		scene.evidence.slice(0, onPort.length),
		scene.evidence.slice(onPort.length),
	];
	return {
		id: 'address-family-mismatch',
		confidence: 'confirmed',
		summary: `${ownerName(owner)} listens on ${where}: ${has} only, and ${hostPort(address, port)} is ${wanted}, so it is refused.`,
		evidence: [...listenLines, ...v6onlyNote, ...rest],
		fixes: [
			...fixesFor(scene, address),
			...dualStack,
			{
				command: hostPort(
					other?.address ?? (has === 'IPv6' ? '::1' : '127.0.0.1'),
					port,
				),
				why: `Or dial an ${has} address the server listens on.`,
			},
		],
	};
}

function boundElsewhere(scene: Scene): Finding {
	const {address, owner, where, onPort, input} = scene;
	const {port} = input.target;
	return {
		id: 'bound-elsewhere',
		confidence: 'confirmed',
		summary: `${ownerName(owner)} listens on ${where} only, not on ${hostPort(address, port)}, so connections to that address are refused.`,
		evidence: scene.evidence,
		fixes: [
			...fixesFor(scene, address),
			{
				command: hostPort(onPort[0]!.address.replace(/%.*/, ''), port),
				why: 'Or dial the address it listens on.',
			},
		],
	};
}

function passedDetail(
	onPort: readonly Listener[],
	dialed: readonly AddressProbe[],
	input: JudgeInput,
	failing: readonly AddressProbe[],
): string {
	const takes = `${onPort.map(l => describeListener(l, {short: true})).join(', ')} ${onPort.length === 1 ? 'takes' : 'take'} connections to ${dialed.map(p => p.address).join(', ') || input.target.host}: the bind is not the problem`;
	if (failing.some(p => p.outcome === 'refused')) {
		return `${takes} (a refusal despite a listener points at a firewall REJECT rule)`;
	}

	return failing.length > 0
		? `${takes} (nothing answered: a firewall DROP rule, or a full accept queue; the next steps tell which)`
		: takes;
}

function configEvidence(scene: Omit<Scene, 'evidence' | 'where'>): {
	quoted: string[];
	rest: string[];
} {
	const {config, bindLine, service} = scene;
	const quoted = bindLine ? [quote(bindLine)] : [];
	if (!config || bindLine) {
		return {quoted, rest: []};
	}

	return {
		quoted,
		rest: [
			...config.problems,
			...(config.files.length > 0
				? [
						`${config.files.join(', ')}: no line sets the address (the built-in default applies: ${service?.defaultAddresses.join(', ') ?? '?'})`,
					]
				: []),
		],
	};
}

export function judgeListenersOnPort(
	input: JudgeInput,
	inventory: ListenerFacts,
	probes: {
		readonly dialed: readonly AddressProbe[];
		readonly failing: readonly AddressProbe[];
	},
	argv: readonly string[],
): CheckResult {
	const {port} = input.target;
	const {dialed, failing} = probes;
	const onPort = inventory.listeners.onPort(port);
	const source = inventory.source === 'ss' ? 'ss -Htlnpe' : inventory.command;
	const listenLines = onPort.map(l => `${source}: ${describeListener(l)}`);
	const unanswered = dialed.filter(
		p => !onPort.some(l => accepts(l, p.address, inventory.bindv6only)),
	);
	if (unanswered.length === 0) {
		return {
			status: 'passed',
			detail: passedDetail(onPort, dialed, input, failing),
			output: listenLines,
		};
	}

	const owner = onPort.find(l => l.process) ?? onPort[0]!;
	const service = serviceOf(owner, port);
	const read = configFor(input.facts, owner, service);
	const unused = read ? notInUse(read, service, onPort) : undefined;
	const config = unused ? undefined : read;
	const partial = {
		input,
		inventory,
		onPort,
		owner,
		service,
		config,
		bindLine: bindLineOf(config, port),
		address: unmapped(unanswered[0]!.address),
		argv,
		...(unused
			? {listening: onPort.map(l => plainAddress(unmapped(l.address)))}
			: {}),
	};
	const {quoted, rest} = configEvidence(partial);
	const scene: Scene = {
		...partial,
		where: onPort.map(l => hostPort(l.address, l.port)).join(', '),
		evidence: [
			...listenLines,
			...quoted,
			...unanswered.map(p => probeLine(p, port)),
			...rest,
			...(unused ? [unused] : []),
		],
	};
	const finding =
		onPort.every(l => isLoopbackListener(l)) && !isLoopback(scene.address)
			? loopbackOnly(scene)
			: onPort.every(
						l =>
							!familiesOf(l, inventory.bindv6only).has(familyOf(scene.address)),
				  )
				? familyMismatch(scene)
				: boundElsewhere(scene);
	return {
		status: 'problem',
		detail: finding.summary,
		output: [...listenLines, ...quoted],
		findings: [finding],
	};
}
