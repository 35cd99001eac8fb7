import {hostPort} from '../net/address.js';
import {chooseProxy, type ProxyChoice} from '../parsers/proxy-env.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckResult, Finding, Outcome} from '../tree/types.js';
import {outcomeOf} from './outcomes.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext, ConnectResult} from './types.js';

/** The proxy the environment names for this URL, and what a connect to it got. */
export type ProxyEnvObservations = {
	readonly choice: ProxyChoice;
	/** The connect to the proxy; absent when its name did not resolve (or no proxy is used). */
	readonly connect?: ConnectResult;
};

/** Would an HTTP client use a proxy for this URL? If so, dial it. */
export async function measureProxyEnv({
	target,
	io,
	timeoutMs,
	signal,
	onCommand,
}: CheckContext): Promise<ProxyEnvObservations> {
	const choice = chooseProxy(
		io.env,
		target.scheme ?? 'http',
		target.host,
		target.port,
	);
	if (choice.kind !== 'proxy') {
		return {choice};
	}

	onCommand(
		`connect ${hostPort(choice.host, choice.port)}  (the proxy named by ${choice.variable})`,
	);
	const lookup = await io.lookup(choice.host, Math.max(timeoutMs, 2000));
	const address = lookup.ok ? lookup.addresses[0]?.address : undefined;
	const result = address
		? await io.connect(address, choice.port, timeoutMs, signal)
		: undefined;
	return {choice, ...(result ? {connect: result} : {})};
}

type Proxy = Extract<ProxyChoice, {kind: 'proxy'}>;

/** Pure: the words and fixes of a proxy variable that sends clients to a proxy that does not answer. */
export function explainProxyMisroute(
	choice: Proxy,
	outcome: Outcome,
	line: string,
	host: string,
): Finding {
	const names = [choice.variable.toLowerCase(), choice.variable.toUpperCase()];
	return {
		id: 'proxy-misroute',
		confidence: 'confirmed',
		summary: `${choice.variable} sends HTTP clients to the proxy ${hostPort(choice.host, choice.port)}, which is ${outcome}: the error is the proxy's, not ${host}'s.`,
		evidence: [line, `NO_PROXY does not exempt ${host}`],
		fixes: [
			{
				command: `unset ${[...new Set(names)].join(' ')}`,
				why: 'Connect directly in this shell (and check where the variable is set: ~/.bashrc, /etc/environment, systemd units).',
			},
			{
				command: `export NO_PROXY="\${NO_PROXY:+$NO_PROXY,}"${shellQuote([host])} no_proxy="\${no_proxy:+$no_proxy,}"${shellQuote([host])}`,
				why: `Keep the proxy for everything else but reach ${host} directly.`,
			},
			{
				command: shellQuote(['refused', hostPort(choice.host, choice.port)]),
				why: 'Or find out why the proxy itself does not answer.',
			},
		],
	};
}

/** Pure: would an HTTP client use a proxy for this URL, and does that proxy answer? */
export function judgeProxyEnv(
	{choice, connect: result}: ProxyEnvObservations,
	{target}: Pick<JudgeInput, 'target'>,
): CheckResult {
	if (choice.kind === 'none') {
		return {
			status: 'passed',
			detail: 'no proxy variable is set for this URL: clients connect directly',
			command: 'env | grep -i _proxy',
		};
	}

	if (choice.kind === 'bypassed') {
		return {
			status: 'passed',
			detail: `${choice.variable} is set, but ${choice.by} exempts this host: clients connect directly`,
			command: 'env | grep -i _proxy',
			facts: {proxyEnv: {variable: choice.variable, bypassedBy: choice.by}},
		};
	}

	const outcome = result ? outcomeOf(result.code) : 'dns-failure';
	const facts = {
		proxyEnv: {
			variable: choice.variable,
			proxy: {host: choice.host, port: choice.port, display: choice.display},
		},
	};
	const line = `${choice.variable}=${choice.display}: the proxy ${hostPort(choice.host, choice.port)} ${
		outcome === 'open'
			? 'accepts connections'
			: `→ ${outcome}${result ? ` in ${result.ms} ms [${result.code}]` : ''}`
	}`;
	if (outcome === 'open') {
		return {
			status: 'passed',
			detail: `HTTP clients go through ${choice.display} (${choice.variable}), which answers`,
			command: 'env | grep -i _proxy',
			output: [line],
			facts,
		};
	}

	return {
		status: 'problem',
		detail: `HTTP clients go through ${choice.display} (${choice.variable}), which is ${outcome}`,
		command: 'env | grep -i _proxy',
		output: [line],
		facts,
		findings: [explainProxyMisroute(choice, outcome, line, target.host)],
	};
}

export const proxyEnv = defineCheck<ProxyEnvObservations>({
	measure: measureProxyEnv,
	judge: judgeProxyEnv,
});
