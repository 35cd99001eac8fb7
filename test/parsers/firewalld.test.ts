import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	parseFirewalldState,
	parseWords,
	parseZoneName,
} from '../../source/parsers/firewalld.js';

const fixture = (name: string) =>
	readFileSync(
		new URL(`../fixtures/firewalld/${name}`, import.meta.url),
		'utf8',
	);

test('firewall-cmd --state, running and not', () => {
	expect(parseFirewalldState(fixture('state.txt'))).toBe('running');
	expect(parseFirewalldState(fixture('state-not-running.txt'))).toBe(
		'not running',
	);
	expect(parseFirewalldState('Authorization failed.')).toBeUndefined();
});

test('zones of interfaces: a zone, or "no zone" for lo', () => {
	expect(parseZoneName(fixture('get-zone-of-interface-fwdcapa.txt'))).toBe(
		'public',
	);
	expect(parseZoneName(fixture('get-default-zone.txt'))).toBe('public');
	expect(
		parseZoneName(fixture('get-zone-of-interface-lo.txt')),
	).toBeUndefined();
});

test('ports and services of a zone', () => {
	expect(parseWords(fixture('list-ports-public.txt'))).toEqual(['7200/tcp']);
	expect(parseWords(fixture('list-services-public.txt'))).toEqual([
		'dhcpv6-client',
		'ssh',
	]);
});
