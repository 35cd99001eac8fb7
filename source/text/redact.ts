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

/** Where the URL that starts at `start` (just after `scheme://`) ends in `text`: the first whitespace, quote or angle bracket. */
function urlEnd(text: string, start: number): number {
	const rest = text.slice(start);
	const match = /[\s"'<>`]/.exec(rest);
	return match ? start + match.index : text.length;
}

/** Redact the userinfo of every `scheme://user:pass@host` in `text`. */
function redactUserinfo(text: string): string {
	let result = '';
	let last = 0;
	for (const match of text.matchAll(scheme)) {
		const start = match.index + match[0].length;
		if (start < last) {
			continue;
		}

		const end = urlEnd(text, start);
		const url = text.slice(start, end);
		const at = url.lastIndexOf('@');
		if (at === -1) {
			continue;
		}

		result += text.slice(last, start) + redacted + url.slice(at);
		last = end;
	}

	return result + text.slice(last);
}

const parameter =
	/(^|[?&;\s,{("'])([\w.-]+)(\s*=\s*)("[^"]*"|'[^']*'|[^&;\s,"')}]*)/g;

/** Redact the values of credential parameters (`?password=x`, `token=x`, `password = 'x'`). */
function redactParameters(text: string): string {
	return text.replaceAll(parameter, (whole: string, ...groups: string[]) => {
		const [before, name, equals, value] = groups as [
			string,
			string,
			string,
			string,
		];
		if (
			value.length === 0 ||
			value === redacted ||
			!credentialParameters.has(name.toLowerCase())
		) {
			return whole;
		}

		return `${before}${name}${equals}${redacted}`;
	});
}

/** Replace the user:password part of a URL and its credential parameters with "***". */
export function redactUrl(text: string): string {
	return redactSecrets(text);
}

/** Every secret this module recognises, replaced with "***", anywhere in `text`. */
export function redactSecrets(text: string): string {
	return redactParameters(redactUserinfo(text));
}
