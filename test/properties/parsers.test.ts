/**
Every parser in source/parsers fed random text and mutated real captures from test/fixtures
(issue 15, proof): none throws, and each answers in bounded time. The captures are the ones the
parser tests use (each fixture folder's README says how it was captured); the mutations cut, repeat,
swap and corrupt lines and bytes, and splice in hostile text. (The service config scanners moved
to source/services on main: add them here once merged.)
*/
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	parseDockerInspect,
	parseDockerPsIds,
} from '../../source/parsers/docker-inspect.js';
import {
	parseDockerError,
	parseDockerLogs,
} from '../../source/parsers/docker-logs.js';
import {parseProcNetTcpListeners} from '../../source/parsers/docker-netns.js';
import {
	parseFirewalldState,
	parseWords,
	parseZoneName,
} from '../../source/parsers/firewalld.js';
import {
	haproxyConfigArgs,
	parseHaproxyBind,
	parseHaproxyConfig,
} from '../../source/parsers/haproxy.js';
import {parseHostsFile} from '../../source/parsers/hosts.js';
import {
	parseIptablesSave,
	splitWords,
} from '../../source/parsers/iptables-save.js';
import {classifyLogLine} from '../../source/parsers/journal.js';
import {
	parseKubeEndpointSlices,
	parseKubeNodes,
	parseKubePods,
	parseKubeServices,
} from '../../source/parsers/kubernetes.js';
import {parseLsofListeners} from '../../source/parsers/lsof.js';
import {
	parseNftJson,
	parseNftRuleTexts,
} from '../../source/parsers/nft-json.js';
import {
	parseNginxConfig,
	parseNginxErrorLog,
	parseNginxListen,
} from '../../source/parsers/nginx.js';
import {
	decodeProcAddress,
	parseProcNetTcp,
	parseSocketLinks,
} from '../../source/parsers/proc-net-tcp.js';
import {parseSsListeners, parseSsUsers} from '../../source/parsers/ss.js';
import {
	parseListUnits,
	parseSystemctlShow,
} from '../../source/parsers/systemd.js';
import {parseUfwStatus} from '../../source/parsers/ufw.js';
import {parseTarget} from '../../source/parsers/target.js';

const seed = Number(process.env['FC_SEED'] ?? 20_261_201);
const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/** Every text capture in a fixture folder (not the READMEs, capture scripts or compressed ones). */
function captures(folder: string): string[] {
	return readdirSync(path.join(fixtures, folder))
		.filter(name => !/\.(md|sh|gz)$/.test(name))
		.map(name => readFileSync(path.join(fixtures, folder, name), 'utf8'));
}

const words = (text: string) => text.split(/[\s\u0000]+/);

/** Each parser as text → anything, with the captures it reads. */
const parsers: Array<[string, (text: string) => unknown, string[]]> = [
	['parseDockerInspect', parseDockerInspect, captures('docker')],
	['parseDockerPsIds', parseDockerPsIds, captures('docker')],
	['parseDockerLogs', text => parseDockerLogs(text, text), captures('docker')],
	['parseDockerError', parseDockerError, captures('docker')],
	[
		'parseProcNetTcpListeners',
		text => [
			parseProcNetTcpListeners(text, 4),
			parseProcNetTcpListeners(text, 6),
		],
		[...captures('docker'), ...captures('proc')],
	],
	['parseFirewalldState', parseFirewalldState, captures('firewalld')],
	['parseZoneName', parseZoneName, captures('firewalld')],
	['parseWords', parseWords, captures('firewalld')],
	[
		'parseHaproxyConfig',
		text => parseHaproxyConfig(text, '/x.cfg'),
		captures('haproxy'),
	],
	['parseHaproxyBind', parseHaproxyBind, captures('haproxy')],
	[
		'haproxyConfigArgs',
		text => haproxyConfigArgs(words(text)),
		captures('haproxy'),
	],
	[
		'parseHostsFile',
		parseHostsFile,
		[
			'127.0.0.1 localhost\n::1 localhost ip6-localhost # c\n10.0.0.5\tdb db.internal\n',
		],
	],
	[
		'parseIptablesSave',
		parseIptablesSave,
		[...captures('iptables'), ...captures('ufw')],
	],
	['splitWords', splitWords, captures('iptables')],
	['classifyLogLine', classifyLogLine, captures('journal')],
	['parseKubeServices', parseKubeServices, captures('kubernetes')],
	['parseKubePods', parseKubePods, captures('kubernetes')],
	['parseKubeEndpointSlices', parseKubeEndpointSlices, captures('kubernetes')],
	['parseKubeNodes', parseKubeNodes, captures('kubernetes')],
	['parseLsofListeners', parseLsofListeners, captures('lsof')],
	[
		'parseNftJson',
		// By contract it throws on text that is not nft's JSON (its caller says "could not read"): only that.
		text => {
			try {
				return parseNftJson(text);
			} catch (error) {
				expect(
					error instanceof SyntaxError ||
						(error as Error).message.startsWith('not nft JSON'),
					String(error),
				).toBe(true);
				return undefined;
			}
		},
		[...captures('nft'), ...captures('firewalld')],
	],
	['parseNftRuleTexts', parseNftRuleTexts, captures('nft')],
	[
		'parseNginxConfig',
		text => parseNginxConfig(text, '/etc/nginx/nginx.conf'),
		captures('nginx'),
	],
	['parseNginxErrorLog', parseNginxErrorLog, captures('nginx')],
	[
		'parseNginxListen',
		text => parseNginxListen(words(text), 80),
		['127.0.0.1:8080 default_server', '[::]:443 ssl', 'unix:/x', '80'],
	],
	['parseProcNetTcp', text => parseProcNetTcp(text), captures('proc')],
	[
		'parseSocketLinks',
		parseSocketLinks,
		['3 -> socket:[12345]\n4 -> /dev/null\n'],
	],
	[
		'decodeProcAddress',
		decodeProcAddress,
		['0100007F:1F90', '00000000000000000000000001000000:0050'],
	],
	['parseSsUsers', parseSsUsers, captures('ss')],
	['parseSsListeners', parseSsListeners, captures('ss')],
	['parseSystemctlShow', parseSystemctlShow, captures('systemctl')],
	['parseListUnits', parseListUnits, captures('systemctl')],
	['parseUfwStatus', parseUfwStatus, captures('ufw')],
	[
		'parseTarget',
		text => parseTarget(words(text).slice(0, 3)),
		['db:5432', 'postgres://u:p@h/x', '[::1]:80'],
	],
];

const hostile = fc.constantFrom(
	'\u0000',
	'\u001B]52;c;ZXZpbA==\u0007',
	'\uFFFD',
	'{',
	'}',
	'[',
	']',
	'"',
	';',
	'\n',
	'\\',
	'-A INPUT',
	'*filter',
	'users:((',
	'0100007F:1F90',
	'%',
	' ',
	'#',
	'include',
	'999999999999999999999',
);

/** A mutated capture: lines cut, repeated, swapped; bytes corrupted; hostile text spliced in. */
function mutated(captures: string[]): fc.Arbitrary<string> {
	return fc
		.record({
			capture: fc.constantFrom(...captures),
			edits: fc.array(
				fc.record({
					kind: fc.constantFrom(
						'cut-line',
						'repeat-line',
						'swap',
						'byte',
						'splice',
						'truncate',
					),
					at: fc.nat(),
					other: fc.nat(),
					text: fc.oneof(hostile, fc.string({unit: 'binary', maxLength: 8})),
				}),
				{maxLength: 6},
			),
		})
		.map(({capture, edits}) => {
			let text = capture;
			for (const edit of edits) {
				text = applyEdit(text, edit);
			}

			return text;
		});
}

function applyEdit(
	text: string,
	edit: {kind: string; at: number; other: number; text: string},
): string {
	const lines = text.split('\n');
	const line = edit.at % Math.max(lines.length, 1);
	const position = edit.at % Math.max(text.length, 1);
	switch (edit.kind) {
		case 'cut-line': {
			lines.splice(line, 1);
			return lines.join('\n');
		}

		case 'repeat-line': {
			lines.splice(line, 0, lines[line] ?? '');
			return lines.join('\n');
		}

		case 'swap': {
			const other = edit.other % Math.max(lines.length, 1);
			[lines[line], lines[other]] = [lines[other]!, lines[line]!];
			return lines.join('\n');
		}

		case 'truncate': {
			return text.slice(0, position);
		}

		case 'byte': {
			return (
				text.slice(0, position) +
				edit.text.slice(0, 1) +
				text.slice(position + 1)
			);
		}

		default: {
			return text.slice(0, position) + edit.text + text.slice(position);
		}
	}
}

const total = 100_000;
const perParser = Math.ceil(total / parsers.length);
/** Bounded time, generous (a loaded machine): far above what any case takes, far below a hang or a catastrophic backtrack. */
const maxMsPerCase = 2000;

describe('parsers never throw', () => {
	test.each(parsers)(
		`property: %s on random and mutated captures (${perParser} cases, seed ${seed})`,
		(_name, parse, inputs) => {
			expect(inputs.length).toBeGreaterThan(0);
			fc.assert(
				fc.property(
					fc.oneof(
						{weight: 3, arbitrary: mutated(inputs)},
						{weight: 1, arbitrary: fc.string({unit: 'binary', maxLength: 200})},
					),
					text => {
						const started = performance.now();
						parse(text);
						return performance.now() - started < maxMsPerCase;
					},
				),
				{numRuns: perParser, seed},
			);
		},
	);
});
