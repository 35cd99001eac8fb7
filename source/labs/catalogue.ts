/**
The catalogue: 13 labs, each a real broken situation made with real programs (Node services
spawned as processes, real files, real rules inside private network namespaces). The first seven
need no root: they use a private port range on this host and processes owned by the learner. The
last six need root: each runs in namespaces of its own, so no rule ever touches this host's own.
*/
import process from 'node:process';
import type {Lab, LabContext, Situation} from './types.js';

const restart = (name: string, netns?: string) =>
	netns ? `ip netns exec ${netns} sh start.sh ${name}` : `sh start.sh ${name}`;

/** Find the service's own words for a lab without root (config and log are in the lab folder). */
const localShell = (port: number) => [
	'node client.js              # the app: what does it say?',
	`ss -ltnp | grep ${port}        # who listens, on which address`,
	'cat *.json *.log            # the configs and the logs',
];

const familyMismatch: Lab = {
	id: 'localhost-ipv6',
	title: 'localhost is ::1 first',
	root: false,
	mode: 'guided',
	cause: 'address-family-mismatch',
	lesson:
		'"localhost" has two addresses: a server on 127.0.0.1 only refuses a client that dials ::1.',
	async setup(context) {
		const port = await context.freePort();
		await context.service('db', {host: '127.0.0.1', port, mode: 'tcp'});
		context.client({host: '::1', port, family: 6});
		return {
			target: `[::1]:${port}`,
			goal: `The app dials localhost:${port} (as Node 17+ does, ::1 first) and cannot reach its database.`,
			shell: localShell(port),
			fix: [
				'set "host": "::" in db.json (both families), then: sh start.sh db',
			],
		};
	},
};

const wrongPort: Lab = {
	id: 'wrong-port',
	title: 'The wrong port',
	root: false,
	mode: 'hands-on',
	cause: 'no-listener',
	lesson:
		'Refused with a listener next door: one side has the wrong port; the configs must agree.',
	async setup(context) {
		const port = await context.freePort();
		const other = await context.freePort();
		await context.service('db', {host: '127.0.0.1', port: other, mode: 'tcp'});
		context.client({host: '127.0.0.1', port});
		return {
			target: `127.0.0.1:${port}`,
			goal: `The app on this host cannot reach its database on port ${port}.`,
			shell: localShell(port),
			fix: [`set "port": ${port} in db.json, then: sh start.sh db`],
		};
	},
};

const nothingListens: Lab = {
	id: 'nothing-listens',
	title: 'Nothing listens',
	root: false,
	mode: 'guided',
	cause: 'no-listener',
	lesson:
		'A reset at once means the host is up and nothing listens: start the service.',
	async setup(context) {
		const port = await context.freePort();
		await context.service(
			'db',
			{host: '127.0.0.1', port, mode: 'tcp'},
			{start: false},
		);
		context.client({host: '127.0.0.1', port});
		return {
			target: `127.0.0.1:${port}`,
			goal: `The app cannot reach its database on port ${port}.`,
			shell: localShell(port),
			fix: ['sh start.sh db'],
		};
	},
};

const crashed: Lab = {
	id: 'crashed-service',
	title: 'A crashed service',
	root: false,
	mode: 'hands-on',
	cause: 'no-listener',
	lesson:
		'When nothing listens, ask why the service is not running: its log says why it stopped.',
	async setup(context) {
		const port = await context.freePort();
		await context.service('db', {
			host: '127.0.0.1',
			port,
			mode: 'tcp',
			dataDir: `${context.folder}/data`,
		});
		context.client({host: '127.0.0.1', port});
		return {
			target: `127.0.0.1:${port}`,
			goal: `The database on port ${port} was started a moment ago, and the app still cannot reach it.`,
			shell: localShell(port),
			fix: ['mkdir data    # what db.log asks for', 'sh start.sh db'],
		};
	},
};

const otherLoopback: Lab = {
	id: 'other-loopback',
	title: 'Bound to 127.0.0.2',
	root: false,
	mode: 'hands-on',
	cause: 'bound-elsewhere',
	lesson:
		'A listener binds one address: 127.0.0.2 is not 127.0.0.1, though both are this host.',
	async setup(context) {
		const port = await context.freePort();
		await context.service('db', {host: '127.0.0.2', port, mode: 'tcp'});
		context.client({host: '127.0.0.1', port});
		return {
			target: `127.0.0.1:${port}`,
			goal: `The app dials 127.0.0.1:${port} and cannot reach its database.`,
			shell: localShell(port),
			fix: ['set "host": "127.0.0.1" in db.json, then: sh start.sh db'],
		};
	},
};

const deadProxy: Lab = {
	id: 'dead-proxy',
	title: 'A dead HTTP proxy in the environment',
	root: false,
	mode: 'guided',
	cause: 'proxy-misroute',
	lesson:
		'HTTP_PROXY sends the request to the proxy, not to the server: a dead proxy refuses for it.',
	async setup(context) {
		const port = await context.freePort();
		const proxy = await context.freePort();
		await context.service('web', {host: '127.0.0.1', port, mode: 'http'});
		const env = {HTTP_PROXY: `http://127.0.0.1:${proxy}`};
		context.client({host: '127.0.0.1', port, http: true}, env);
		return {
			target: `http://127.0.0.1:${port}/`,
			goal: `The app (its environment in client.env) cannot reach the web service on port ${port}, which answers fine.`,
			shell: [
				'node client.js',
				'cat client.env',
				`curl -v http://127.0.0.1:${port}/`,
			],
			clientEnv: env,
			fix: ['add NO_PROXY=127.0.0.1 to client.env (or remove HTTP_PROXY)'],
		};
	},
};

const deadUpstream: Lab = {
	id: 'dead-upstream',
	title: 'A reverse proxy in front of a dead upstream',
	root: false,
	mode: 'hands-on',
	cause: 'upstream-refused',
	lesson:
		'A 502 comes from the proxy: it was refused by its upstream, named in its config and its log.',
	async setup(context) {
		const port = await context.freePort();
		const upstream = await context.freePort();
		await context.service(
			'app',
			{host: '127.0.0.1', port: upstream, mode: 'http'},
			{start: false},
		);
		await context.service('proxy', {
			host: '127.0.0.1',
			port,
			mode: 'proxy',
			upstream: {host: '127.0.0.1', port: upstream},
		});
		context.client({host: '127.0.0.1', port, http: true});
		return {
			target: `http://127.0.0.1:${port}/`,
			goal: `The site on port ${port} answers "502 Bad Gateway".`,
			shell: [
				'node client.js',
				`curl -v http://127.0.0.1:${port}/`,
				'cat proxy.json proxy.log',
			],
			fix: ['sh start.sh app    # the upstream proxy.json names'],
		};
	},
};

/** A namespace with an address (a veth link to an idle peer): the service, the rule and the client all inside. */
async function oneHost(
	context: LabContext,
	port: number,
	config: Readonly<Record<string, unknown>> = {},
) {
	const address = `10.213.${context.index}.2`;
	const netns = await context.namespace('s');
	const peer = await context.namespace('p');
	await context.link(
		{netns, address},
		{netns: peer, address: `10.213.${context.index}.1`},
	);
	await context.service(
		'db',
		{host: '0.0.0.0', port, mode: 'tcp', ...config},
		{netns},
	);
	context.client({host: address, port});
	return {netns, address};
}

/** Two namespaces linked by a veth pair: a server at 10.213.N.2 and a client at 10.213.N.1. */
async function twoHosts(context: LabContext) {
	const server = `10.213.${context.index}.2`;
	const client = `10.213.${context.index}.1`;
	const serverNs = await context.namespace('s');
	const clientNs = await context.namespace('c');
	await context.link(
		{netns: serverNs, address: server},
		{netns: clientNs, address: client},
	);
	return {server, client, serverNs, clientNs};
}

const inHost = (netns: string, port: number) => [
	`ip netns exec ${netns} node client.js`,
	`ip netns exec ${netns} ss -ltnp`,
	`ip netns exec ${netns} iptables-save`,
	`ip netns exec ${netns} refused ${port}   # the tree, from inside`,
];

function host(situation: Omit<Situation, 'diagnoseNetns'>): Situation {
	return situation;
}

/** One host whose INPUT chain holds one rule for the database port, ending in `jump` (REJECT or DROP). */
async function inputRule(
	context: LabContext,
	jump: readonly string[],
	goal: (address: string) => string,
): Promise<Situation> {
	const {netns, address} = await oneHost(context, 5432);
	await context.inside(netns, 'iptables', [
		'-A',
		'INPUT',
		'-p',
		'tcp',
		'--dport',
		'5432',
		'-j',
		...jump,
	]);
	return host({
		target: `${address}:5432`,
		goal: goal(address),
		shell: inHost(netns, 5432),
		clientNetns: netns,
		fix: [`ip netns exec ${netns} iptables -D INPUT 1`],
	});
}

const reject: Lab = {
	id: 'reject-rule',
	title: 'A REJECT rule',
	root: true,
	mode: 'guided',
	cause: 'firewall-reject',
	lesson:
		'A REJECT looks like "nothing listens" from outside: the listener is there, a rule answers first.',
	setup: async context =>
		inputRule(
			context,
			['REJECT', '--reject-with', 'tcp-reset'],
			address =>
				`The app cannot reach the database at ${address}:5432, though it runs.`,
		),
};

const drop: Lab = {
	id: 'drop-rule',
	title: 'A DROP rule',
	root: true,
	mode: 'hands-on',
	cause: 'filtered',
	lesson:
		'Silence (a timeout) is not a refusal: something drops the SYN; a DROP rule is counted.',
	setup: async context =>
		inputRule(
			context,
			['DROP'],
			address =>
				`The app hangs, then times out, on the database at ${address}:5432.`,
		),
};

const loopbackOnly: Lab = {
	id: 'loopback-only',
	title: 'A service on loopback, seen from another host',
	root: true,
	mode: 'guided',
	cause: 'loopback-only',
	lesson:
		'127.0.0.1 is reachable only from the same host: other hosts are refused. Look on the server.',
	async setup(context) {
		const {server, client, serverNs, clientNs} = await twoHosts(context);
		await context.service(
			'cache',
			{host: '127.0.0.1', port: 6379, mode: 'tcp'},
			{netns: serverNs},
		);
		context.client({host: server, port: 6379});
		return {
			target: `${server}:6379`,
			goal: `The app on ${client} cannot reach the cache on ${server}:6379 (the diagnosis runs on the server, as you would over SSH).`,
			shell: [
				`ip netns exec ${clientNs} node client.js   # the app's host`,
				`ip netns exec ${serverNs} ss -ltnp          # the server`,
				`ip netns exec ${serverNs} cat cache.json`,
			],
			clientNetns: clientNs,
			diagnoseNetns: serverNs,
			fix: [
				'set "host": "0.0.0.0" in cache.json, then:',
				restart('cache', serverNs),
			],
		};
	},
};

const natDead: Lab = {
	id: 'nat-dead-port',
	title: 'A NAT redirect to a dead port',
	root: true,
	mode: 'hands-on',
	cause: 'no-listener',
	lesson:
		'The nat table rewrites the port before anything listens: read it when the listener is there.',
	async setup(context) {
		const netns = await context.namespace('s');
		await context.service(
			'web',
			{host: '0.0.0.0', port: 8080, mode: 'tcp'},
			{netns},
		);
		await context.inside(netns, 'iptables', [
			'-t',
			'nat',
			'-A',
			'OUTPUT',
			'-d',
			'127.0.0.1',
			'-p',
			'tcp',
			'--dport',
			'8080',
			'-j',
			'REDIRECT',
			'--to-ports',
			'8081',
		]);
		context.client({host: '127.0.0.1', port: 8080});
		return host({
			target: '127.0.0.1:8080',
			goal: 'The web service listens on port 8080, and the app on the same host is refused there.',
			shell: [
				...inHost(netns, 8080).slice(0, 2),
				`ip netns exec ${netns} iptables-save -t nat`,
			],
			clientNetns: netns,
			fix: [`ip netns exec ${netns} iptables -t nat -D OUTPUT 1`],
		});
	},
};

const outbound: Lab = {
	id: 'outbound-reject',
	title: "The client's own outbound REJECT",
	root: true,
	mode: 'guided',
	cause: 'firewall-reject',
	lesson:
		"A refusal can come from the client's own firewall, on the way out: walk its OUTPUT chain too.",
	async setup(context) {
		const {server, client, serverNs, clientNs} = await twoHosts(context);
		await context.service(
			'db',
			{host: '0.0.0.0', port: 5432, mode: 'tcp'},
			{netns: serverNs},
		);
		await context.inside(clientNs, 'iptables', [
			'-A',
			'OUTPUT',
			'-d',
			server,
			'-p',
			'tcp',
			'--dport',
			'5432',
			'-j',
			'REJECT',
			'--reject-with',
			'tcp-reset',
		]);
		context.client({host: server, port: 5432});
		return {
			target: `${server}:5432`,
			goal: `The app on ${client} cannot reach the database on ${server}:5432; the database is up.`,
			shell: inHost(clientNs, 5432).slice(0, 3),
			clientNetns: clientNs,
			fix: [`ip netns exec ${clientNs} iptables -D OUTPUT 1`],
		};
	},
};

const fullQueue: Lab = {
	id: 'accept-queue',
	title: 'A full accept queue',
	root: true,
	mode: 'hands-on',
	cause: 'accept-queue-full',
	lesson:
		'A stuck program that stops calling accept() fills its queue: new clients time out, no firewall.',
	async setup(context) {
		const {netns, address} = await oneHost(context, 8080, {
			backlog: 1,
			stuck: true,
		});
		await context.background(
			process.execPath,
			['filler.js', address, '8080', '4'],
			netns,
		);
		return host({
			target: `${address}:8080`,
			goal: `The app times out on the service at ${address}:8080, which runs, with no firewall rule.`,
			shell: [
				...inHost(netns, 8080).slice(0, 2),
				`ip netns exec ${netns} nstat -az TcpExtListenOverflows`,
			],
			clientNetns: netns,
			fix: [
				'set "stuck": false in db.json (the stuck accept loop), then:',
				restart('db', netns),
			],
		});
	},
};

export const catalogue: readonly Lab[] = [
	familyMismatch,
	wrongPort,
	nothingListens,
	crashed,
	otherLoopback,
	deadProxy,
	deadUpstream,
	reject,
	drop,
	loopbackOnly,
	natDead,
	outbound,
	fullQueue,
];

export const labById = (id: string) => catalogue.find(lab => lab.id === id);
