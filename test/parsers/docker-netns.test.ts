import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	formatListener,
	parseProcNetTcpListeners,
} from '../../source/parsers/docker-netns.js';
import {isLoopback, isWildcard} from '../../source/net/address.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/docker/${name}`, import.meta.url), 'utf8');

test('app bound to 127.0.0.1 inside a container (busybox httpd -p 127.0.0.1:8080)', () => {
	expect(
		parseProcNetTcpListeners(fixture('netns-loopback.tcp.txt'), 4),
	).toEqual([{address: '127.0.0.1', port: 8080, family: 4}]);
	expect(
		parseProcNetTcpListeners(fixture('netns-loopback.tcp6.txt'), 6),
	).toEqual([]);
});

test('app bound to every address inside (busybox httpd -p 8080 listens on [::])', () => {
	expect(parseProcNetTcpListeners(fixture('netns-any.tcp.txt'), 4)).toEqual([]);
	expect(parseProcNetTcpListeners(fixture('netns-any.tcp6.txt'), 6)).toEqual([
		{address: '::', port: 8080, family: 6},
	]);
});

test('decodes IPv6 forms and keeps only LISTEN rows', () => {
	const text = [
		'  sl  local_address                         remote_address                        st',
		'   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0',
		'   1: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 0',
		'   2: 000080FE00000000FF0000020100FEFF:0016 00000000000000000000000000000000:0000 0A 0',
		'   3: 00000000000000000000000001000000:0051 00000000000000000000000001000000:9C40 01 0',
		'garbage',
	].join('\n');
	expect(parseProcNetTcpListeners(text, 6).map(l => formatListener(l))).toEqual(
		['[::1]:80', '[::ffff:127.0.0.1]:8080', '[fe80::200:ff:fffe:1]:22'],
	);
	expect(parseProcNetTcpListeners('', 4)).toEqual([]);
});

test('loopback and wildcard addresses', () => {
	expect(
		['127.0.0.1', '127.0.0.11', '::1', '::ffff:127.0.0.1'].every(a =>
			isLoopback(a),
		),
	).toBe(true);
	expect(['0.0.0.0', '::', '10.203.0.2'].some(a => isLoopback(a))).toBe(false);
	expect(
		isWildcard('0.0.0.0') && isWildcard('::') && !isWildcard('127.0.0.1'),
	).toBe(true);
});
