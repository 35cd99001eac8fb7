/**
The pure parts of `--via`: destination parsing (nothing ssh could read as an option gets through),
the ssh argument vectors, the remote command line (hostile words stay one argument each), the
classification of ssh's real stderr (fixtures in test/fixtures/ssh, see its README), and the
parsers of the server's output.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {commandArgs, masterArgs} from '../../source/via/connection.js';
import {
	destinationArgs,
	formatDestination,
	parseDestination,
} from '../../source/via/destination.js';
import {classifySshFailure} from '../../source/via/failure.js';
import {
	connectErrno,
	connectMs,
	parseCurl,
	parseEnv,
	parseGetent,
	parseIpJson,
	parseIpOneline,
	platformOf,
} from '../../source/via/parse.js';
import {
	isProgramName,
	remoteCommand,
	remotePath,
} from '../../source/via/remote-io.js';
import {hostileStrings, shellWords} from '../helpers/hostile.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/ssh/${name}`, import.meta.url), 'utf8');

describe('parseDestination', () => {
	test.each([
		['db1', {host: 'db1'}],
		['admin@db1', {user: 'admin', host: 'db1'}],
		[
			'admin@db1.example.com:2222',
			{user: 'admin', host: 'db1.example.com', port: 2222},
		],
		['10.0.0.5:22', {host: '10.0.0.5', port: 22}],
		['ssh://root@10.0.0.5:2200', {user: 'root', host: '10.0.0.5', port: 2200}],
		['ssh://db1/', {host: 'db1'}],
		['ops@[2001:db8::5]:22', {user: 'ops', host: '2001:db8::5', port: 22}],
		['2001:db8::5', {host: '2001:db8::5'}],
		['ssh://[::1]', {host: '::1'}],
	])('%s', (text, destination) => {
		expect(parseDestination(text)).toEqual({ok: true, destination});
	});

	test.each([
		['-oProxyCommand=touch /tmp/x', /cannot start with "-"/],
		['-F/dev/null', /cannot start with "-"/],
		['user@-oProxyCommand=x', /cannot start with "-"/],
		['-l@host', /cannot start with "-"/],
		['x@-host', /cannot start with "-"/],
		['db1 -v', /spaces/],
		['db1;reboot', /only letters/],
		['$(reboot)@db1', /only letters/],
		['db1:0', /port/],
		['db1:65536', /port/],
		['db1:22x', /port/],
		['[::1', /closing/],
		['[::1]x', /after the ]/],
		['http://db1', /only ssh/],
		['ssh://db1/path', /no path/],
		['', /empty/],
		['db1\n', /control/],
		['a@b@db1', /only letters/],
		['1:2:3', /IPv6/],
	])('rejects %j', (text, why) => {
		const parsed = parseDestination(text);
		expect(parsed.ok).toBe(false);
		expect(parsed.ok ? '' : parsed.message).toMatch(why);
	});

	test('ssh arguments: user and port as options, the host after --', () => {
		expect(destinationArgs({user: 'ops', host: 'db1', port: 2222})).toEqual([
			'-l',
			'ops',
			'-p',
			'2222',
			'--',
			'db1',
		]);
		expect(destinationArgs({host: 'db1'})).toEqual(['--', 'db1']);
		expect(
			formatDestination({user: 'ops', host: '2001:db8::5', port: 22}),
		).toBe('ops@[2001:db8::5]:22');
	});
});

describe('ssh argument vectors', () => {
	const settings = {destination: {user: 'ops', host: 'db1'}, batch: true};
	test('master: one ControlMaster, batch mode, no agent, no X11, no pty, no forwardings, never a host key bypass', () => {
		const args = masterArgs(settings, '/tmp/refused-ssh-x/%C');
		expect(args).toEqual(
			expect.arrayContaining([
				'ControlPath=/tmp/refused-ssh-x/%C',
				'ControlMaster=yes',
				'BatchMode=yes',
				'ConnectTimeout=5',
				'ClearAllForwardings=yes',
				'PermitLocalCommand=no',
				'-T',
				'-a',
				'-x',
				'-f',
				'-N',
			]),
		);
		expect(args.slice(-2)).toEqual(['--', 'db1']);
		const text = args.join(' ');
		expect(text).not.toMatch(
			/StrictHostKeyChecking=(?!yes)|UserKnownHostsFile|GlobalKnownHostsFile|-F/,
		);
		expect(args).toEqual(
			expect.arrayContaining([
				'StrictHostKeyChecking=yes',
				'UpdateHostKeys=no',
				'RemoteCommand=none',
			]),
		);
	});

	test('a command: a client of the master, the remote line last after the host', () => {
		const args = commandArgs(settings, '/tmp/c/%C', "env LC_ALL=C 'a b'");
		expect(args).toContain('ControlMaster=no');
		expect(args.slice(-3)).toEqual(['--', 'db1', "env LC_ALL=C 'a b'"]);
		expect(masterArgs({...settings, batch: false}, '/c')).not.toContain(
			'BatchMode=yes',
		);
	});
});

describe('remote command line', () => {
	test('env with the C locale and the fixed PATH, then the argv', () => {
		expect(remoteCommand(['ss', '-Htlnp'], {sudo: false})).toBe(
			`env LC_ALL=C LANG=C PATH=${remotePath} ss -Htlnp`,
		);
		expect(
			remoteCommand(['cat', '--', '/etc/x'], {sudo: true, timeoutS: 5}),
		).toBe(
			`sudo -n -- timeout -k 2 5 env LC_ALL=C LANG=C PATH=${remotePath} cat -- /etc/x`,
		);
	});

	test('every hostile word reaches the remote shell as one argument', () => {
		const line = remoteCommand(['printf', '%s', ...hostileStrings], {
			sudo: false,
		});
		expect(shellWords(line)).toEqual([
			'env',
			'LC_ALL=C',
			'LANG=C',
			`PATH=${remotePath}`,
			'printf',
			'%s',
			...hostileStrings,
		]);
	});

	test('program names: never an option or an assignment for env', () => {
		expect(isProgramName('ss')).toBe(true);
		expect(isProgramName('/usr/sbin/iptables-save')).toBe(true);
		expect(isProgramName('-i')).toBe(false);
		expect(isProgramName('A=b')).toBe(false);
		expect(isProgramName('a b')).toBe(false);
	});
});

describe('ssh failures (real stderr)', () => {
	const destination = {user: 'root', host: '10.201.72.2'};
	const classify = (name: string, extra = {}) =>
		classifySshFailure(
			{stderr: fixture(`${name}.stderr`), ...extra},
			destination,
			{connectTimeoutS: 1},
		);

	test.each([
		['unknown-host', 'unknown-host'],
		['auth', 'auth'],
		['host-key-unknown', 'host-key-unknown'],
		['host-key-changed', 'host-key-changed'],
		['timeout', 'timeout'],
		['no-route', 'unreachable'],
		['refused', 'refused'],
	])('%s', (name, kind) => {
		const failure = classify(name);
		expect(failure.kind).toBe(kind);
		expect(failure.message).not.toContain('\n');
		expect(failure.message).not.toMatch(/StrictHostKeyChecking=no/);
	});

	test("a changed key: ssh's line, the ssh-keygen -R to use once confirmed, never a bypass", () => {
		const failure = classify('host-key-changed');
		expect(failure.sshMessage).toBe(
			'Host key for 10.201.72.2 has changed and you have requested strict checking.',
		);
		expect(failure.message).toContain('ssh-keygen -R 10.201.72.2');
		expect(failure.message).toContain('never bypasses');
	});

	test('refused on 22 can be walked as a diagnosis of its own', () => {
		const failure = classify('refused');
		expect(failure.walk).toEqual({host: '10.201.72.2', port: 22});
		expect(failure.message).toContain('refused 10.201.72.2:22');
	});

	test('ssh missing, and a local timeout with no message', () => {
		expect(
			classifySshFailure({stderr: '', notFound: true}, destination, {
				connectTimeoutS: 5,
			}).kind,
		).toBe('no-ssh');
		expect(
			classifySshFailure({stderr: '', timedOut: true}, destination, {
				connectTimeoutS: 5,
			}).kind,
		).toBe('timeout');
	});

	test('control characters from ssh are shown, never sent to the terminal', () => {
		const failure = classifySshFailure(
			{stderr: 'ssh: connect to host x port 22: Connection refused\u001B[2J\n'},
			{host: 'x'},
			{connectTimeoutS: 5},
		);
		expect(failure.message).not.toContain('\u001B');
		expect(failure.message).toContain('\\x1b[2J');
	});
});

describe('server output parsers', () => {
	test('ip -j addr and ip -o addr give the same interfaces', () => {
		const json = parseIpJson(fixture('ip-j-addr.json'));
		const oneline = parseIpOneline(fixture('ip-o-addr.txt'));
		expect(json).toEqual(oneline);
		expect(json).toContainEqual({
			name: 'rv72x1a',
			address: '10.201.72.2',
			family: 4,
			internal: false,
			cidr: '10.201.72.2/24',
		});
		expect(json?.find(i => i.address === '127.0.0.1')?.internal).toBe(true);
		expect(parseIpJson('Object "addr" is unknown')).toBeUndefined();
	});

	test('env, getent, connect errors and times, uname', () => {
		expect(parseEnv('HOME=/root\nA=b=c\nnot a line\n')).toEqual({
			HOME: '/root',
			A: 'b=c',
		});
		expect(
			parseGetent(
				'10.0.0.5       STREAM db1\n10.0.0.5       DGRAM\nfd00::5 STREAM db1\n',
			),
		).toEqual([
			{address: '10.0.0.5', family: 4},
			{address: 'fd00::5', family: 6},
		]);
		expect(connectErrno('bash: connect: Connection refused\n')).toBe(
			'ECONNREFUSED',
		);
		expect(connectErrno('bash: connect: No route to host')).toBe(
			'EHOSTUNREACH',
		);
		expect(connectErrno('something else')).toBe('EIO');
		expect(connectMs('ms 1700000000.100000 1700000000.102600\n')).toBe(3);
		expect(connectMs('')).toBeUndefined();
		expect(platformOf('Linux\n')).toBe('linux');
		expect(platformOf('Darwin')).toBe('darwin');
	});

	test('curl -i: the last response', () => {
		const text =
			'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n<html>bad gateway</html>';
		expect(parseCurl(text)).toEqual({
			ok: true,
			status: 502,
			headers: {server: 'nginx', 'set-cookie': 'a, b'},
			body: '<html>bad gateway</html>',
		});
		expect(parseCurl('garbage')).toEqual({ok: false, code: 'EPROTO'});
	});
});
