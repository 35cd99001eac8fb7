/** Generators shared by the property tests and the CLI fuzz (issue 15). */
import fc from 'fast-check';

/**
A credential made of random tokens (8 characters from an alphabet no fixed text of the tool
uses together) joined by the characters that break naive redaction: `@ : / # ?` and %-escapes. A
leak of any part shows as a token in the output.
*/
export const credential = fc
	.array(
		fc.string({
			unit: fc.constantFrom(...'QXZJKVWqxzjkvw0123456789'),
			minLength: 8,
			maxLength: 8,
		}),
		{minLength: 1, maxLength: 3},
	)
	.chain(tokens =>
		fc
			.array(
				fc.constantFrom(
					'@',
					':',
					'/',
					'#',
					'?',
					'%40',
					'%3A',
					'%2F',
					'!',
					'$',
					'+',
					'=',
					'',
				),
				{
					minLength: tokens.length,
					maxLength: tokens.length,
				},
			)
			.map(separators => ({
				tokens,
				text: tokens
					.map((token, index) => `${separators[index]!}${token}`)
					.join(''),
			})),
	);

const schemes = [
	'http',
	'https',
	'postgres',
	'postgresql',
	'mysql',
	'redis',
	'amqp',
	'mongodb',
] as const;

/** A URL with a credential in its userinfo (user:password, or a user alone) or in a credential query parameter. */
export const credentialUrl = fc
	.record({
		scheme: fc.constantFrom(...schemes),
		user: credential,
		password: credential,
		where: fc.constantFrom('user:password', 'password', 'query', 'both'),
		host: fc.constantFrom('db', 'proxy.corp.example', '127.0.0.1', '[::1]'),
		port: fc.option(fc.integer({min: 1, max: 65_535}), {nil: undefined}),
		parameter: fc.constantFrom(
			'password',
			'token',
			'access_token',
			'api_key',
			'sslpassword',
			'secret',
		),
		path: fc.constantFrom('', '/', '/app', '/x/y'),
	})
	.map(({scheme, user, password, where, host, port, parameter, path}) => {
		const authority = `${host}${port === undefined ? '' : `:${port}`}`;
		// A query value stops at & and whitespace (the grammar); the credential never holds those.
		const query = `?sslmode=require&${parameter}=${password.text}`;
		switch (where) {
			case 'user:password': {
				return {
					url: `${scheme}://${user.text}:${password.text}@${authority}${path}`,
					tokens: [...user.tokens, ...password.tokens],
				};
			}

			case 'password': {
				return {
					url: `${scheme}://${password.text}@${authority}${path}`,
					tokens: password.tokens,
				};
			}

			case 'query': {
				return {
					url: `${scheme}://${authority}${path || '/'}${query}`,
					tokens: password.tokens,
				};
			}

			default: {
				return {
					url: `${scheme}://${user.text}:${user.text}@${authority}${path || '/'}${query}`,
					tokens: [...user.tokens, ...password.tokens],
				};
			}
		}
	});

/** Words as users type them (and as fuzzers do): parts of real targets, joined and corrupted. */
export const targetWord = fc.oneof(
	fc.string({unit: 'binary', maxLength: 30}),
	fc
		.array(
			fc.oneof(
				fc.constantFrom(
					'http://',
					'postgres://',
					'redis://',
					'x://',
					'[',
					']',
					'::1',
					'fe80::1%eth0',
					'::ffff:127.0.0.1',
					'127.0.0.1',
					'localhost',
					'münchen.de',
					'xn--',
					':',
					'@',
					'%zz',
					'%C3%BC',
					'%',
					'/',
					'?',
					'#',
					'.',
					'-',
					'0',
					'65535',
					'65536',
					'99999999999999999999',
					'\u0000',
					'\u001B[2J',
					'\n',
					' ',
				),
				fc.string({maxLength: 6}),
			),
			{maxLength: 8},
		)
		.map(parts => parts.join('')),
);
