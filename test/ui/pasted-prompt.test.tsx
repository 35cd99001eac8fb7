/**
The start prompt takes a pasted error message as well as a target: a real Node error (captured,
test/fixtures/errors/node-localhost.txt) pasted as one chunk starts the walk where Node dialed.
*/
import {readFileSync} from 'node:fs';
import {act} from 'react';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {foundationChecks} from '../../source/tree/nodes/foundation.js';
import {causes} from '../../source/tree/causes.js';
import type {Tree} from '../../source/tree/types.js';
import {App} from '../../source/ui/app.js';
import {createFakeIo} from '../helpers/fake-io.js';
import {press, renderApp, waitFor} from '../helpers/ink.js';

const foundationTree: Tree = {checks: foundationChecks, questions: [], causes};
const nodeError = readFileSync(
	new URL('../fixtures/errors/node-localhost.txt', import.meta.url),
	'utf8',
);

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

describe('the start prompt and a pasted error message', () => {
	test('a Node AggregateError pasted at once: the walk starts on ::1, and says what the client saw', async () => {
		const app = await renderApp(
			<App
				io={createFakeIo({connect: () => ({code: 'ECONNREFUSED', ms: 1})})}
				timeoutMs={1000}
				theme={{color: false, ascii: false}}
				tree={foundationTree}
			/>,
		);
		await waitFor(app, 'Target:');
		await press(app, nodeError);
		const frame = await waitFor(
			app,
			'the client saw a refusal; now it is refused too',
		);
		expect(frame).toContain('refused [::1]:5999');
		expect(frame).toContain('the pasted error');
	});

	test('a paste that is no known message says which formats are known, and keeps asking', async () => {
		const app = await renderApp(
			<App
				io={createFakeIo()}
				timeoutMs={1000}
				theme={{color: false, ascii: false}}
				tree={foundationTree}
			/>,
		);
		await waitFor(app, 'Target:');
		await press(app, 'Something failed\nplease try again later\n');
		const frame = await waitFor(app, 'Known formats');
		expect(frame).toContain('Target:');
	});
});
