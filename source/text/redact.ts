/**
Secrets out of anything shown: the userinfo of a URL (user:password@), credential parameters in a
query string or a libpq/ODBC-style `key=value` list, wherever they appear in a text.

URL grammar, hardened for what people actually type: the userinfo ends at the LAST `@` before the
host, and it may hold `@ : / # ?` and percent-encoding (`postgres://bob:pw@123@host/db`,
`http://john@corp.example:Secret1@proxy:3128`, `postgres://bob:p#w123@host`). When in doubt the
redaction takes too much, never too little.
*/

export const redacted = '***';

/** Names of query or key=value parameters whose value is a credential (lower case). */
export const credentialParameters: ReadonlySet<string> = new Set([
	'password',
	'passwd',
	'pass',
	'pwd',
	'passphrase',
	'secret',
	'client_secret',
	'token',
	'access_token',
	'refresh_token',
	'id_token',
	'auth_token',
	'session_token',
	'private_token',
	'api_key',
	'apikey',
	'api-key',
	'access_key',
	'secret_key',
	'sslpassword',
	'authorization',
	'credential',
	'credentials',
	'signature',
	'sig',
	'x-amz-signature',
	'x-amz-credential',
	'x-amz-security-token',
]);

const scheme = /[a-z][a-z\d+.-]*:\/\//gi;

type Span = readonly [start: number, end: number];

/** Where the URL that starts at `start` (just after `scheme://`) ends in `text`: the first whitespace, quote or angle bracket. */
function urlEnd(text: string, start: number): number {
	const match = /[\s"'<>`]/.exec(text.slice(start));
	return match ? start + match.index : text.length;
}

/** The userinfo of every `scheme://user:pass@host` in `text`: up to the last `@` of the URL. */
function userinfoSpans(text: string): Span[] {
	const spans: Span[] = [];
	for (const match of text.matchAll(scheme)) {
		const start = match.index + match[0].length;
		const at = text.slice(start, urlEnd(text, start)).lastIndexOf('@');
		if (at > 0) {
			spans.push([start, start + at]);
		}
	}

	return spans;
}

/** `name=` where a parameter can start; only the name and the `=` are consumed, so no match hides another. */
const parameter = /(?<=^|[?&;\s,{("'])([\w.-]+)\s*=\s*/g;
/** The value at a position: quoted, or up to `&`, `;`, whitespace, a comma, a quote or a closing bracket. */
const value = /"[^"]*"|'[^']*'|[^&;\s,"')}]*/y;

/** The values of credential parameters (`?password=x`, `token=x`, `password = 'x'`). */
function parameterSpans(text: string): Span[] {
	const spans: Span[] = [];
	for (const match of text.matchAll(parameter)) {
		if (!credentialParameters.has(match[1]!.toLowerCase())) {
			continue;
		}

		const start = match.index + match[0].length;
		value.lastIndex = start;
		const length = value.exec(text)?.[0].length ?? 0;
		if (length > 0) {
			spans.push([start, start + length]);
		}
	}

	return spans;
}

/**
Every secret this module recognises, replaced with "***", anywhere in `text`. The two readings
(userinfo to the last `@`, credential parameters) are both applied to the original text and their
spans merged, so a query value holding `@` or a userinfo holding `?token=` hides under either.
*/
export function redactSecrets(text: string): string {
	const spans = [...userinfoSpans(text), ...parameterSpans(text)].toSorted(
		(a, b) => a[0] - b[0],
	);
	let result = '';
	let last = 0;
	for (const [start, end] of spans) {
		if (end <= last) {
			continue;
		}

		result += start > last ? text.slice(last, start) + redacted : '';
		last = end;
	}

	return result + text.slice(last);
}

/** Replace the user:password part of a URL and its credential parameters with "***". */
export function redactUrl(text: string): string {
	return redactSecrets(text);
}
