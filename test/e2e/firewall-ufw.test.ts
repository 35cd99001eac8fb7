/**
Ufw on real rules: ufw enabled inside a namespace, with its own copy of /etc/ufw (ip netns exec
mounts /etc/netns/NAME/ufw over /etc/ufw), so the host's firewall and ufw settings never change.
ufw lets loopback through, so a client on the host itself is never blocked; a client elsewhere
(--answer client=ADDRESS, here the peer namespace) is, and the peer's own connect proves it.
*/
import {cpSync} from 'node:fs';
import {afterEach, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

/** One connect from the peer namespace, 1 s timer: "connect", "ECONNREFUSED" or "timeout". */
async function connectFromPeer(ns: Netns, port: number): Promise<string> {
	const script = `const s = require('node:net').connect(${port}, '${ns.address!}');
const t = setTimeout(() => { console.log('timeout'); process.exit(0); }, 1000);
s.on('connect', () => { console.log('connect'); process.exit(0); });
s.on('error', e => { console.log(e.code); process.exit(0); });`;
	const result = await ns.execPeer(process.execPath, ['-e', script]);
	return String(result.stdout).trim();
}

test('ufw deny: loopback clients pass, a client elsewhere is dropped by the named ufw rule', async () => {
	const ns = await createNetns({address: true});
	spaces.push(ns);
	cpSync('/etc/ufw', `/etc/netns/${ns.name}/ufw`, {recursive: true});
	for (const args of [
		['--force', 'enable'],
		['allow', '22/tcp'],
		['deny', '7131/tcp'],
	]) {
		const result = await ns.exec('ufw', args);
		expect(result.exitCode, String(result.stderr)).toBe(0);
	}

	await ns.listen('0.0.0.0', 7131);
	// The real world first: the peer is dropped (no answer).
	expect(await connectFromPeer(ns, 7131)).toBe('timeout');

	// From the host itself, ufw's "-i lo -j ACCEPT" lets it through: nothing to blame.
	const here = await runJson([`${ns.address!}:7131`], {netns: ns});
	expect(here.report?.probe.outcome).toBe('open');
	expect(here.report?.causes).toEqual([]);

	// For the peer's address, the rules are walked for its packets (in on the veth).
	const there = await runJson(
		[`${ns.address!}:7131`, '--answer', `client=${ns.peer!.address}`],
		{netns: ns},
	);
	expect(schemaErrors(there.report)).toEqual([]);
	const cause = there.report?.causes[0];
	expect(cause?.id).toBe('filtered');
	expect(cause?.confidence).toBe('likely');
	expect(cause?.evidence[0]).toBe(
		'iptables -t filter, chain ufw-user-input, rule 2: -A ufw-user-input -p tcp -m tcp --dport 7131 -j DROP',
	);
	expect(cause?.evidence).toContain('ufw rule [2]: 7131/tcp DENY IN Anywhere');
	expect(cause?.fixes[0]?.command).toBe('ufw insert 1 allow 7131/tcp');
	expect(cause?.fixes[1]).toMatchObject({
		command: 'ufw delete 2',
		undo: 'ufw insert 2 deny 7131/tcp',
	});
	expect(there.exitCode).toBe(1);
});

test('ufw reject out: a connection from this host to another is refused by the named outgoing ufw rule', async () => {
	const ns = await createNetns({address: true});
	spaces.push(ns);
	cpSync('/etc/ufw', `/etc/netns/${ns.name}/ufw`, {recursive: true});
	for (const args of [
		['--force', 'enable'],
		['reject', 'out', '7132/tcp'],
	]) {
		const result = await ns.exec('ufw', args);
		expect(result.exitCode, String(result.stderr)).toBe(0);
	}

	await ns.listen('0.0.0.0', 7132, {inPeer: true});
	const {report} = await runJson([`${ns.peer!.address}:7132`], {netns: ns});
	expect(schemaErrors(report)).toEqual([]);
	expect(report?.probe.outcome).toBe('refused');
	const cause = report?.causes[0];
	expect(cause?.id).toBe('firewall-reject');
	expect(cause?.summary).toContain('on its way out of this host');
	expect(cause?.evidence[0]).toMatch(
		/^iptables -t filter, chain ufw-user-output, rule \d+: /,
	);
	expect(cause?.evidence).toContainEqual(
		expect.stringMatching(/^ufw rule \[1]: 7132\/tcp REJECT OUT Anywhere/),
	);
	expect(cause?.fixes[0]?.command).toBe('ufw insert 1 allow out 7132/tcp');
	expect(cause?.fixes[1]).toMatchObject({
		command: 'ufw delete 1',
		undo: 'ufw insert 1 reject out 7132/tcp',
	});
});
