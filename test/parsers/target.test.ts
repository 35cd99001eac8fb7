import {describe, expect, test} from 'vitest';
import {parseTarget} from '../../source/parsers/target.js';

describe('parseTarget: good input', () => {
	test.each([
		[['db.internal:5432'], {host: 'db.internal', port: 5432}],
		[['127.0.0.1:8080'], {host: '127.0.0.1', port: 8080}],
		[['[::1]:3000'], {host: '::1', port: 3000}],
		[['[fe80::1%eth0]:22'], {host: 'fe80::1%eth0', port: 22}],
		[['localhost', '6379'], {host: 'localhost', port: 6379}],
		[['::1', '6379'], {host: '::1', port: 6379}],
		[['8080'], {host: 'localhost', port: 8080}],
		[['http://example.org'], {host: 'example.org', port: 80, scheme: 'http'}],
		[
			['https://example.org/path?q=1'],
			{host: 'example.org', port: 443, scheme: 'https'},
		],
		[
			['https://example.org:8443'],
			{host: 'example.org', port: 8443, scheme: 'https'},
		],
		[
			['postgres://user:pw@db:5433/app'],
			{host: 'db', port: 5433, scheme: 'postgres'},
		],
		[['postgresql://db/app'], {host: 'db', port: 5432, scheme: 'postgresql'}],
		[['mysql://db'], {host: 'db', port: 3306, scheme: 'mysql'}],
		[['redis://cache'], {host: 'cache', port: 6379, scheme: 'redis'}],
		[
			['mongodb://mongo.local'],
			{host: 'mongo.local', port: 27_017, scheme: 'mongodb'},
		],
		[['amqp://broker'], {host: 'broker', port: 5672, scheme: 'amqp'}],
		[
			['ssh://git@host.example'],
			{host: 'host.example', port: 22, scheme: 'ssh'},
		],
		[['http://[::1]:9000/'], {host: '::1', port: 9000, scheme: 'http'}],
		[['HTTP://Example.ORG'], {host: 'example.org', port: 80, scheme: 'http'}],
		[['host_with_underscore:1'], {host: 'host_with_underscore', port: 1}],
		[['x:65535'], {host: 'x', port: 65_535}],
	])('%j', (words, expected) => {
		expect(parseTarget(words)).toMatchObject(expected);
	});

	test('credentials in a URL never reach the target input', () => {
		const target = parseTarget(['postgres://admin:s3cret@db:5432/app']);
		expect(JSON.stringify(target)).not.toContain('s3cret');
		expect(target).toMatchObject({input: 'postgres://***@db:5432/app'});
	});
});

describe('parseTarget: bad input gets one line naming the problem and an example', () => {
	test.each([
		[[], /no target given/],
		[['   '], /no target given/],
		[['host:0'], /out of range/],
		[['host:65536'], /out of range/],
		[['host:http'], /is not a number/],
		[['host:-1'], /is not a number/],
		[['host', 'abc'], /is not a number/],
		[['foo://host'], /scheme "foo" has no default port/],
		[['host;rm -rf /:80'], /no host name can hold/],
		[['$(id):80'], /no host name can hold/],
		[['a|b:80'], /no host name can hold/],
		[['`x`:80'], /no host name can hold/],
		[[`${'a'.repeat(254)}:80`], /253/],
		[[`${'a'.repeat(64)}.com:80`], /longer than 63/],
		[['host'], /has no port/],
		[['::1'], /IPv6 address without a port/],
		[['[::1]'], /has no port/],
		[['[notv6]:80'], /not an IPv6 address/],
		[['-bad-:80'], /not a valid host name/],
		[['a', 'b', 'c'], /too many words/],
	])('%j', (words, message) => {
		const result = parseTarget(words);
		expect(result).toHaveProperty('error');
		const {error} = result as {error: string};
		expect(error).toMatch(message);
		expect(error).toContain('e.g. refused');
		expect(error).not.toContain('\n');
	});
});

describe('parseTarget: hardening (issue 15)', () => {
	test.each([
		['http://john@corp.example:Secret1@proxy:3128', 'Secret1', 'proxy', 3128],
		['postgres://bob:pw@123@host/db', '123', 'host', 5432],
		['postgres://bob:p#w123@db.example/app', 'w123', 'db.example', 5432],
		['redis://:s/e?c@cache:6380', 's/e?c', 'cache', 6380],
		[
			'postgres://db/app?password=hunter2&sslmode=require',
			'hunter2',
			'db',
			5432,
		],
		['mysql://db/x?sslpassword=topsecret', 'topsecret', 'db', 3306],
	])(
		'%s: the secret is redacted, the host is the one after the last @',
		(url, secret, host, port) => {
			const target = parseTarget([url]);
			expect(target).toMatchObject({host, port});
			expect(JSON.stringify(target)).not.toContain(secret);
		},
	);

	test('a URL that cannot be read is an error that does not echo the credentials', () => {
		const result = parseTarget(['postgres://bob:p#w123@ho st/db']);
		expect(result).toHaveProperty('error');
		expect(JSON.stringify(result)).not.toContain('p#w123');
	});

	test('a malformed %-escape is bad input, not an exception', () => {
		expect(() => parseTarget(['redis://%zz:1'])).not.toThrow();
		expect(parseTarget(['redis://%zz:1'])).toMatchObject({
			error: expect.stringMatching(/malformed %-escape/) as string,
		});
	});

	test('control characters in a bad target are shown visibly, on one line', () => {
		const result = parseTarget(['evil\u001B]52;c;ZXZpbA==\u0007\nx:80']) as {
			error: string;
		};
		expect(result.error).toContain(String.raw`\x1b]52`);
		expect(result.error).not.toMatch(/[\u0000-\u001F]/);
	});

	test('control characters in a URL path reach the input only visibly', () => {
		const target = parseTarget(['http://example.org/\u001B[2J']);
		expect(target).toMatchObject({
			input: String.raw`http://example.org/\x1b[2J`,
		});
	});

	test.each([
		['münchen.de:1', 'xn--mnchen-3ya.de', 1],
		['http://MÜNCHEN.de', 'xn--mnchen-3ya.de', 80],
		['http://m%C3%BCnchen.de:8080/', 'xn--mnchen-3ya.de', 8080],
		['bücher.example', '443', 443],
	])(
		'internationalised names are accepted as punycode: %s',
		(text, host, port) => {
			const words = text.includes(':') ? [text] : [text, String(port)];
			const target = parseTarget(words);
			expect(target).toMatchObject({
				host: host === '443' ? 'xn--bcher-kva.example' : host,
				port,
			});
		},
	);
});
