/**
The real programs a lab runs, written into the lab's folder as plain Node scripts the learner can
read, run and restart: `service.js NAME` (a TCP or HTTP service, or a small reverse proxy, set up by
NAME.json), `client.js` (the app that must reach the service) and `start.sh NAME` (restart a
service). Nothing here is a simulation: the kernel answers these programs' connections.
*/

/** The service. Its config (NAME.json): host, port, mode (tcp|http|proxy), upstream, backlog, stuck, dataDir, token. */
export const serviceScript = `'use strict';
// A lab service. Usage: node service.js NAME  (reads NAME.json, writes NAME.pid and NAME.log here)
const fs = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const path = require('node:path');
const name = process.argv[2];
const here = __dirname;
const config = JSON.parse(fs.readFileSync(path.join(here, name + '.json'), 'utf8'));
const log = line => fs.appendFileSync(path.join(here, name + '.log'), new Date().toISOString() + ' ' + line + '\\n');
fs.writeFileSync(path.join(here, name + '.pid'), String(process.pid));
process.on('SIGTERM', () => process.exit(0));
if (config.dataDir && !fs.existsSync(config.dataDir)) {
	log('FATAL: data directory "' + config.dataDir + '" does not exist; create it, then start me again');
	process.exit(1);
}
let server;
if (config.mode === 'http') {
	server = http.createServer((request, response) => {
		response.writeHead(200, {'content-type': 'text/plain', 'connection': 'close'});
		response.end(config.token + '\\n');
	});
} else if (config.mode === 'proxy') {
	server = http.createServer((request, response) => {
		const upstream = http.request({host: config.upstream.host, port: config.upstream.port, path: request.url, method: request.method, agent: false}, reply => {
			let body = '';
			reply.setEncoding('utf8');
			reply.on('data', chunk => { body += chunk; });
			reply.on('end', () => {
				response.writeHead(reply.statusCode || 502, {'content-type': 'text/plain', 'connection': 'close'});
				response.end(body);
			});
		});
		upstream.on('error', error => {
			log('upstream ' + config.upstream.host + ':' + config.upstream.port + ' failed: ' + error.code);
			response.writeHead(502, {'content-type': 'text/plain'});
			response.end('502 Bad Gateway: upstream ' + config.upstream.host + ':' + config.upstream.port + ': ' + error.code + '\\n');
		});
		request.pipe(upstream);
	});
} else {
	server = net.createServer(socket => {
		socket.on('error', () => {});
		socket.end(config.token + '\\n');
	});
}
server.on('error', error => {
	log('FATAL: cannot listen on ' + config.host + ':' + config.port + ': ' + error.code);
	process.exit(1);
});
server.listen({host: config.host, port: config.port, backlog: config.backlog || 511, ipv6Only: String(config.host).includes(':') && config.host !== '::'}, () => {
	log('listening on ' + config.host + ':' + config.port);
	if (config.stuck) {
		log('stuck: no longer accepting connections (the accept loop is blocked)');
		// The event loop stops here: the kernel still completes handshakes into the accept queue until it is full.
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
	}
});
`;

/** The client: the app that must reach its service. Reads client.json; honours HTTP_PROXY and NO_PROXY like curl. */
export const clientScript = `'use strict';
// The app. Usage: node client.js  (reads client.json; prints what the service answered, or the error)
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'client.json'), 'utf8'));
// The app's environment file: KEY=VALUE lines (like a systemd EnvironmentFile).
try {
	for (const line of fs.readFileSync(path.join(__dirname, 'client.env'), 'utf8').split('\\n')) {
		const match = /^\\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
		if (match) process.env[match[1]] = match[2].trim();
	}
} catch {}
const proxy = config.http ? process.env.HTTP_PROXY || process.env.http_proxy : undefined;
const noProxy = (process.env.NO_PROXY || process.env.no_proxy || '').split(',').map(s => s.trim()).filter(Boolean);
const bypass = noProxy.some(entry => entry === '*' || entry === config.host);
let host = config.host;
let port = config.port;
let request = 'GET / HTTP/1.0\\r\\nHost: ' + config.host + ':' + config.port + '\\r\\nConnection: close\\r\\n\\r\\n';
if (proxy && !bypass) {
	const url = new URL(proxy);
	host = url.hostname.replace(/^\\[|\\]$/g, '');
	port = Number(url.port || 80);
	request = 'GET http://' + config.host + ':' + config.port + '/ HTTP/1.0\\r\\nHost: ' + config.host + ':' + config.port + '\\r\\nConnection: close\\r\\n\\r\\n';
}
const socket = net.connect({host, port, family: config.family || 0, autoSelectFamily: false, timeout: config.timeoutMs || 3000});
let text = '';
socket.setEncoding('utf8');
socket.on('connect', () => { if (config.http) socket.write(request); });
socket.on('data', chunk => { text += chunk; });
socket.on('timeout', () => { console.error('connect ETIMEDOUT ' + host + ':' + port); process.exit(1); });
socket.on('error', error => { console.error(error.message); process.exit(1); });
socket.on('end', () => {
	const status = /^HTTP\\/1\\.[01] (\\d+)/.exec(text);
	if (status && status[1] !== '200') { console.error('HTTP ' + status[1] + ': ' + text.split('\\r\\n\\r\\n')[1]); process.exit(1); }
	console.log('connected: ' + text.trim().split('\\n').pop());
	process.exit(0);
});
`;

/** Restart a service (stop the one in NAME.pid, start it again in the background). */
export function startScript(node: string): string {
	return `#!/bin/sh
# Restart a lab service: sh start.sh NAME
cd "$(dirname "$0")" || exit 1
[ -n "$1" ] || { echo "usage: sh start.sh NAME" >&2; exit 2; }
# A stuck service never runs its SIGTERM handler: KILL what is still there after a moment.
if [ -f "$1.pid" ]; then old="$(cat "$1.pid")"; kill "$old" 2>/dev/null; sleep 0.3; kill -9 "$old" 2>/dev/null; fi
nohup '${node.replaceAll("'", `'\\''`)}' service.js "$1" >/dev/null 2>&1 &
sleep 0.5
if [ -f "$1.pid" ] && kill -0 "$(cat "$1.pid")" 2>/dev/null; then echo "$1 started"; else echo "$1 did not start: see $1.log" >&2; exit 1; fi
`;
}

/** A filler that opens connections and holds them (fills a stuck service's accept queue). */
export const fillerScript = `'use strict';
// Holds N connections to HOST:PORT open. Usage: node filler.js HOST PORT N
const net = require('node:net');
const [host, port, count] = process.argv.slice(2);
const fs = require('node:fs');
fs.writeFileSync(__dirname + '/filler.pid', String(process.pid));
for (let i = 0; i < Number(count); i++) {
	const socket = net.connect({host, port: Number(port)});
	socket.on('error', () => {});
}
setInterval(() => {}, 60000);
`;
