/**
Firewalld on real rules: firewalld (nftables backend) runs inside a namespace with its own copy
of /etc/firewalld (ip netns exec mounts /etc/netns/NAME/firewalld over it) and a private D-Bus
daemon (firewall-cmd talks to firewalld over D-Bus), so the host's firewall and system bus never
change. Like ufw, firewalld lets loopback through; a client elsewhere (--answer client=, the peer
namespace) meets the zone's rules, and the peer's own connect shows what it really gets.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).toReversed()) {
		await cleanup();
	}
});

function stop(child: ChildProcess) {
	return async () => {
		if (child.exitCode !== null || child.signalCode !== null) {
			return;
		}

		const exited = new Promise(resolve => {
			child.once('exit', resolve);
		});
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	};
}

/** A namespace running firewalld, and `firewall-cmd` inside it. */
async function firewalldNamespace() {
	const ns = await createNetns({address: true});
	cleanups.push(async () => ns.cleanup());
	cpSync('/etc/firewalld', `/etc/netns/${ns.name}/firewalld`, {
		recursive: true,
	});
	const dir = mkdtempSync(path.join(tmpdir(), 'refused-firewalld-'));
	cleanups.push(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const bus = path.join(dir, 'bus');
	writeFileSync(
		path.join(dir, 'bus.conf'),
		`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=${bus}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>\n`,
	);
	const dbus = spawn(
		'dbus-daemon',
		[`--config-file=${path.join(dir, 'bus.conf')}`, '--nofork'],
		{stdio: 'ignore'},
	);
	cleanups.push(stop(dbus));
	const env = {DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${bus}`};
	const firewalld = spawn(
		'ip',
		[
			'netns',
			'exec',
			ns.name,
			'firewalld',
			'--nofork',
			'--nopid',
			'--log-file',
			path.join(dir, 'firewalld.log'),
		],
		{
			stdio: 'ignore',
			env: {...process.env, ...env},
		},
	);
	cleanups.push(stop(firewalld));
	const cmd = async (...args: string[]) => ns.exec('firewall-cmd', args, {env});
	const deadline = Date.now() + 60_000;
	while (String((await cmd('--state')).stdout).trim() !== 'running') {
		expect(firewalld.exitCode, 'firewalld exited').toBeNull();
		expect(Date.now() < deadline, 'firewalld did not start within 60 s').toBe(
			true,
		);
		await new Promise(resolve => {
			setTimeout(resolve, 250);
		});
	}

	// The namespace's veth (the one holding its address) goes into zone public.
	const link = String(
		(await ns.exec('ip', ['-o', '-4', 'addr', 'show'])).stdout,
	)
		.split('\n')
		.find(line => line.includes(`${ns.address!}/`))
		?.split(/\s+/)[1];
	expect(link).toBeDefined();
	for (const args of [
		['--zone=public', `--change-interface=${link!}`],
		['--zone=public', '--add-port=7300/tcp'],
	]) {
		expect(String((await cmd(...args)).stdout).trim()).toBe('success');
	}

	return {ns, env, cmd};
}

/** One connect from the peer namespace, 1 s timer: "connect", an errno code, or "timeout". */
async function connectFromPeer(ns: Netns, port: number): Promise<string> {
	const script = `const s = require('node:net').connect(${port}, '${ns.address!}');
setTimeout(() => { console.log('timeout'); process.exit(0); }, 1000);
s.on('connect', () => { console.log('connect'); process.exit(0); });
s.on('error', e => { console.log(e.code); process.exit(0); });`;
	return String(
		(await ns.execPeer(process.execPath, ['-e', script])).stdout,
	).trim();
}

test('firewalld: a port not opened in zone public, and a rich rule, named for a client elsewhere; loopback passes', async () => {
	const {ns, env, cmd} = await firewalldNamespace();
	const peer = ns.peer!.address;
	await ns.listen('0.0.0.0', 7300);
	await ns.listen('0.0.0.0', 7301);
	await ns.listen('0.0.0.0', 7302);
	const rich = `rule family="ipv4" source address="${peer}" port port="7302" protocol="tcp" reject`;
	expect(
		String(
			(await cmd('--zone=public', `--add-rich-rule=${rich}`)).stdout,
		).trim(),
	).toBe('success');

	// The real world: the opened port answers the peer, the other is refused with admin-prohibited.
	expect(await connectFromPeer(ns, 7300)).toBe('connect');
	expect(await connectFromPeer(ns, 7301)).toBe('EHOSTUNREACH');
	expect(await connectFromPeer(ns, 7302)).toBe('ECONNREFUSED');

	// From this host: firewalld accepts loopback ("iifname lo accept"), nothing to blame.
	const here = await runJson([`${ns.address!}:7301`], {netns: ns, env});
	expect(here.report?.probe.outcome).toBe('open');
	expect(here.report?.causes).toEqual([]);

	const notOpened = await runJson(
		[`${ns.address!}:7301`, '--answer', `client=${peer}`],
		{netns: ns, env},
	);
	expect(schemaErrors(notOpened.report)).toEqual([]);
	const cause = notOpened.report?.causes[0];
	expect(cause?.id).toBe('firewall-reject');
	expect(cause?.evidence[0]).toMatch(
		/^nft table inet firewalld, chain filter_IN_public, handle \d+: reject with icmpx admin-prohibited$/,
	);
	expect(cause?.evidence).toContain(
		"firewalld is running; the rule is in zone public's chains: services dhcpv6-client ssh; ports 7300/tcp",
	);
	expect(cause?.summary).toContain('no route to host');
	expect(cause?.fixes[0]).toMatchObject({
		command: 'firewall-cmd --zone=public --add-port=7301/tcp',
		undo: 'firewall-cmd --zone=public --remove-port=7301/tcp',
	});
	expect(cause?.fixes[1]?.command).toBe(
		'firewall-cmd --permanent --zone=public --add-port=7301/tcp && firewall-cmd --reload',
	);

	const richRule = await runJson(
		[`${ns.address!}:7302`, '--answer', `client=${peer}`],
		{netns: ns, env},
	);
	const richCause = richRule.report?.causes[0];
	expect(richCause?.id).toBe('firewall-reject');
	expect(richCause?.evidence[0]).toMatch(
		new RegExp(
			`^nft table inet firewalld, chain filter_IN_public_deny, handle \\d+: ip saddr ${peer.replaceAll('.', String.raw`\.`)} tcp dport 7302 reject with icmp port-unreachable$`,
		),
	);
	expect(richCause?.evidence).toContain(
		`firewalld rich rule in zone public: ${rich}`,
	);
	expect(richCause?.fixes[0]?.command).toBe(
		`firewall-cmd --zone=public --remove-rich-rule='${rich}'`,
	);
});
