/**
Properties of the pure text functions (issue 15, proof): the target parser never throws and
answers a target or a one-line error; redaction never lets a credential through, whatever it holds;
shellQuote round-trips any string through a real sh.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {parseTarget} from '../../source/parsers/target.js';
import {credentialParameters, redactSecrets} from '../../source/text/redact.js';
import {shellQuote} from '../../source/text/sanitize.js';
import {shellWords} from '../helpers/hostile.js';
import {credentialUrl, targetWord} from './generators.js';

const seed = Number(process.env['FC_SEED'] ?? 20_261_201);
const targetRuns = 100_000;
const redactRuns = 100_000;
const quoteRuns = 300;
const control = /[\u0000-\u001F\u007F-\u009F]/;

describe('the target parser', () => {
	test(`property: never throws; a target has a host and a port 1-65535, an error is one visible line (${targetRuns} cases, seed ${seed})`, () => {
		fc.assert(
			// Plain booleans, not expect(), in the hot loop: fast-check reports the failing case.
			fc.property(fc.array(targetWord, {maxLength: 3}), words => {
				const result = parseTarget(words);
				return 'error' in result
					? result.error.length > 0 && !control.test(result.error)
					: result.host.length > 0 &&
							Number.isInteger(result.port) &&
							result.port >= 1 &&
							result.port <= 65_535 &&
							!control.test(result.input);
			}),
			{numRuns: targetRuns, seed},
		);
	});
});

describe('redaction', () => {
	test(`property: a credential in a URL's userinfo or query never survives, in any text around it (${redactRuns} cases, seed ${seed})`, () => {
		fc.assert(
			fc.property(
				credentialUrl,
				fc.string({maxLength: 10}),
				fc.string({maxLength: 10}),
				({url, tokens}, before, after) => {
					const text = redactSecrets(`${before} ${url} ${after}`);
					return tokens.every(token => !text.includes(token));
				},
			),
			{numRuns: redactRuns, seed},
		);
	});

	test('every credential parameter name is redacted in a query and in key=value lists', () => {
		for (const name of credentialParameters) {
			expect(
				redactSecrets(`https://h/p?a=1&${name}=S3CRETv4l&b=2`),
			).not.toContain('S3CRETv4l');
			expect(
				redactSecrets(`host=db ${name}=S3CRETv4l port=5432`),
			).not.toContain('S3CRETv4l');
		}
	});

	test.each([
		['http://john@corp.example:Secret1@proxy:3128', 'http://***@proxy:3128'],
		['postgres://bob:pw@123@host/db', 'postgres://***@host/db'],
		['postgres://bob:p#w123@host', 'postgres://***@host'],
		[
			'see https://u:p@h:1/x?token=abc&q=1 now',
			'see https://***@h:1/x?token=***&q=1 now',
		],
		['http://proxy:3128', 'http://proxy:3128'],
		['sslmode=require password=hunter2', 'sslmode=require password=***'],
	])('%s', (text, expected) => {
		expect(redactSecrets(text)).toBe(expected);
	});
});

describe('shell quoting', () => {
	test(`property: shellQuote round-trips any argv through sh (${quoteRuns} cases, seed ${seed})`, () => {
		// Any string a file name, argv or config value can hold (no NUL: no argv can).
		const argument = fc
			.string({unit: 'binary', maxLength: 30})
			.map(text => text.replaceAll('\u0000', ''));
		fc.assert(
			fc.property(fc.array(argument, {minLength: 1, maxLength: 4}), argv => {
				expect(shellWords(shellQuote(argv))).toEqual(argv);
			}),
			{numRuns: quoteRuns, seed},
		);
	});
});
