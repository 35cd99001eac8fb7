import {describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {codeBlock, renderMarkdown} from '../../source/report/markdown.js';

const base: Report = {
	schemaVersion: 1,
	tool: {name: 'refused', version: '1.2.3'},
	target: {input: 'db:5432', host: 'db', port: 5432},
	probe: {
		outcome: 'refused',
		address: '10.0.0.5',
		ms: 2,
		addresses: [
			{
				address: '10.0.0.5',
				family: 4,
				source: '/etc/hosts:3',
				outcome: 'refused',
				ms: 2,
			},
			{
				address: 'fd00::5',
				family: 6,
				source: 'dns',
				outcome: 'timeout',
				ms: 3000,
			},
		],
	},
	causes: [
		{
			id: 'loopback-only',
			confidence: 'confirmed',
			title: 'The service listens on loopback only.',
			summary: 'postgres listens on 127.0.0.1:5432 only; you dialed 10.0.0.5.',
			explanation:
				'A program that binds 127.0.0.1 accepts connections from this host only.',
			evidence: [
				'LISTEN 0 244 127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=81,fd=6))',
			],
			fixes: [
				{
					command:
						'sudo sed -i "s/^#listen_addresses.*/listen_addresses = \'*\'/" /etc/postgresql/15/main/postgresql.conf',
					why: 'Listen on every address.',
				},
				{
					command: 'sudo ufw allow 5432/tcp',
					why: 'Let clients in.',
					undo: 'sudo ufw delete allow 5432/tcp',
				},
			],
		},
		{
			id: 'firewall-reject',
			confidence: 'possible',
			title: 'A firewall rule rejects.',
			summary: 'A REJECT rule may match | port 5432.',
			explanation: '',
			evidence: [],
			fixes: [],
		},
	],
	steps: [
		{
			id: 'probe',
			title: 'Connect to each address',
			status: 'problem',
			command: 'connect 10.0.0.5:5432',
			detail: 'refused in 2 ms',
			output: ['10.0.0.5 refused', 'has ``` fences'],
		},
		{
			id: 'families',
			title: 'Do all addresses agree?',
			status: 'skipped',
			detail: 'one address',
		},
	],
	questions: [
		{key: 'proxy', prompt: 'A proxy in front?', answer: 'no', by: 'user'},
	],
	exitCode: 1,
};

describe('renderMarkdown', () => {
	test('a complete report: target, probe table, cause with evidence and numbered fixes, others, questions, steps', () => {
		const text = renderMarkdown(base);
		expect(text).toBe(`# refused: db:5432

- Target: \`db:5432\` (host \`db\`, port 5432)
- Outcome: **refused** (first address \`10.0.0.5\`, 2 ms)
- Exit code: 1 (a problem was found)
- Tool: refused 1.2.3; every result below was measured on this host.

## Connect to each address

| Address | Family | From | Outcome | Time |
| --- | --- | --- | --- | --- |
| \`10.0.0.5\` | IPv4 | /etc/hosts:3 | refused | 2 ms |
| \`fd00::5\` | IPv6 | dns | timeout | 3000 ms |

## Cause: The service listens on loopback only.

**postgres listens on 127.0.0.1:5432 only; you dialed 10.0.0.5.**

Cause id \`loopback-only\`, confidence: confirmed.

A program that binds 127.0.0.1 accepts connections from this host only.

Evidence (measured on this host):

\`\`\`
LISTEN 0 244 127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=81,fd=6))
\`\`\`

Fixes (shown, never run by the tool):

1. Listen on every address.

   \`\`\`sh
   sudo sed -i "s/^#listen_addresses.*/listen_addresses = '*'/" /etc/postgresql/15/main/postgresql.conf
   \`\`\`

2. Let clients in.

   \`\`\`sh
   sudo ufw allow 5432/tcp
   \`\`\`

   Undo: \`sudo ufw delete allow 5432/tcp\`

## Other possible causes

### 2. A firewall rule rejects.

**A REJECT rule may match | port 5432.**

Cause id \`firewall-reject\`, confidence: possible.

## Questions

| Question | Answer | How | Evidence |
| --- | --- | --- | --- |
| A proxy in front? | no | answered by you |  |

## Steps

### 1. Connect to each address: found a problem

refused in 2 ms

\`\`\`sh
$ connect 10.0.0.5:5432
\`\`\`

\`\`\`\`
10.0.0.5 refused
has \`\`\` fences
\`\`\`\`

### 2. Do all addresses agree?: skipped

one address`);
	});

	test('nothing wrong says so', () => {
		const text = renderMarkdown({
			...base,
			probe: {...base.probe, outcome: 'open'},
			causes: [],
			exitCode: 0,
		});
		expect(text).toContain(
			'## Result\n\nNothing is wrong: the target accepted the connection, and no check found a problem.',
		);
		expect(text).toContain('- Exit code: 0 (no problem found)');
	});

	test('no cause found says what could not be told', () => {
		const text = renderMarkdown({
			...base,
			causes: [],
			steps: [
				{
					id: 'listeners',
					title: 'What listens',
					status: 'unknown',
					detail: 'ss is not installed: run sudo ss -ltnp',
				},
			],
		});
		expect(text).toContain(
			'no cause could be named from here. 1 step(s) could not tell; each says what to run by hand.',
		);
		expect(text).toContain(
			'### 1. What listens: could not tell\n\nss is not installed: run sudo ss -ltnp',
		);
	});

	test('table cells escape pipes and code blocks outgrow backtick runs', () => {
		const text = renderMarkdown({
			...base,
			questions: [
				{key: 'proxy', prompt: 'a | b', answer: null, by: 'unanswered'},
			],
		});
		expect(text).toContain('| a \\| b | (none) | not answered |  |');
		expect(codeBlock('x ```` y')).toBe('`````\nx ```` y\n`````');
	});
});
