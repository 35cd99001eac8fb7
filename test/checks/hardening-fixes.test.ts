/**
The fixes built by the foundation checks (outcome, remote, families, resolve) with hostile text
where a host name or an address goes (issue 15, item 1): pasted into sh, none runs anything else.
The target parser never lets such a host through; this proves the fix builders do not rely on it.
*/
import {describe, test} from 'vitest';
import {families} from '../../source/checks/families.js';
import {outcome} from '../../source/checks/outcome.js';
import {remote} from '../../source/checks/remote.js';
import {resolve} from '../../source/checks/resolve.js';
import type {CheckContext, CheckRun} from '../../source/checks/types.js';
import type {AddressProbe, Facts} from '../../source/tree/facts.js';
import type {Outcome} from '../../source/tree/types.js';
import {createFakeIo} from '../helpers/fake-io.js';
import {assertInert, hostileStrings} from '../helpers/hostile.js';

function probe(address: string, outcome: Outcome, code: string): AddressProbe {
	return {address, family: 4, source: 'dns', outcome, ms: 3, code};
}

function context(host: string, facts: Facts): CheckContext {
	return {
		target: {input: `${host}:5432`, host, port: 5432, scheme: 'postgres'},
		facts,
		answers: {},
		io: createFakeIo({
			lookup: {[host]: {ok: false, code: 'ENOTFOUND', message: 'no such name'}},
		}),
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand() {},
		onLine() {},
	};
}

const worlds: Array<[string, CheckRun, (hostile: string) => Facts]> = [
	[
		'outcome (timeout)',
		outcome,
		hostile =>
			({
				probe: {
					outcome: 'timeout',
					address: hostile,
					ms: 3,
					addresses: [probe(hostile, 'timeout', 'ETIMEDOUT')],
				},
			}) as unknown as Facts,
	],
	[
		'outcome (unreachable)',
		outcome,
		hostile =>
			({
				probe: {
					outcome: 'unreachable',
					address: hostile,
					ms: 3,
					addresses: [probe(hostile, 'unreachable', 'EHOSTUNREACH')],
				},
			}) as unknown as Facts,
	],
	[
		'outcome (EWEIRD)',
		outcome,
		hostile =>
			({
				probe: {
					outcome: 'unreachable',
					address: hostile,
					ms: 3,
					addresses: [probe(hostile, 'unreachable', 'EWEIRD')],
				},
			}) as unknown as Facts,
	],
	[
		'remote',
		remote,
		hostile =>
			({
				probe: {
					outcome: 'refused',
					address: hostile,
					ms: 3,
					addresses: [probe(hostile, 'refused', 'ECONNREFUSED')],
				},
				local: {isLocal: false, hostname: hostile},
			}) as unknown as Facts,
	],
	[
		'families',
		families,
		hostile =>
			({
				probe: {
					outcome: 'refused',
					address: hostile,
					ms: 3,
					addresses: [
						probe(hostile, 'refused', 'ECONNREFUSED'),
						{...probe(`${hostile}2`, 'open', 'connect'), family: 6},
					],
				},
				local: {isLocal: false},
			}) as unknown as Facts,
	],
	['resolve', resolve, () => ({})],
];

describe('foundation fixes stay inert with hostile hosts and addresses', () => {
	test.each(worlds)('%s', async (_name, check, facts) => {
		for (const hostile of hostileStrings) {
			const result = await check(context(hostile, facts(hostile)));
			const commands = [
				...(result.findings ?? []).flatMap(f =>
					f.fixes.flatMap(fix => [
						fix.command,
						...(fix.undo ? [fix.undo] : []),
					]),
				),
			];
			for (const command of commands) {
				assertInert(command);
			}
		}
	});
});
