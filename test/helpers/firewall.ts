/** Firewall test inputs: captures from test/fixtures, and packets that exercise every rule of one. */
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import type {Packet} from '../../source/model/firewall/index.js';
import type {Rulesets} from '../../source/model/firewall/rulesets.js';
import {parseIptablesSave} from '../../source/parsers/iptables-save.js';
import {
	parseNftJson,
	parseNftRuleTexts,
} from '../../source/parsers/nft-json.js';

/** A capture under test/fixtures (gunzipped when it ends in .gz). */
export function fixture(name: string): string {
	const raw = readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
	return name.endsWith('.gz')
		? gunzipSync(raw).toString('utf8')
		: raw.toString('utf8');
}

/** Packets to every port and from every address a capture names (capped), local and remote, v4 and v6. */
export function packetsFor(text: string, family: 4 | 6, few = false): Packet[] {
	const ports = [
		...new Set(
			[...text.matchAll(/\b\d{2,5}\b/g)]
				.map(match => Number(match[0]))
				.filter(port => port > 0 && port < 65_536),
		),
	].slice(0, few ? 6 : 60);
	const addresses = [
		...new Set(
			[
				...text.matchAll(
					family === 4
						? /\b(?:\d{1,3}\.){3}\d{1,3}\b/g
						: /\b[\da-f]{1,4}(?::[\da-f]{0,4}){2,7}\b/gi,
				),
			].map(match => match[0]),
		),
	].slice(0, few ? 3 : 12);
	const loopback = family === 4 ? '127.0.0.1' : '::1';
	const packets: Packet[] = [];
	for (const dport of [4, 22, 80, ...ports]) {
		packets.push({
			family,
			saddr: loopback,
			daddr: loopback,
			dport,
			iif: 'lo',
			oif: 'lo',
			localClient: true,
		});
		for (const saddr of [undefined, ...addresses]) {
			packets.push({
				family,
				...(saddr ? {saddr} : {}),
				daddr: addresses[0] ?? loopback,
				dport,
				iif: 'eth0',
				localClient: false,
			});
		}
	}

	return packets;
}

/**
The recorded NAT rule sets (test/fixtures/iptables/capture-nat.sh): Docker's and kube-proxy's
iptables chains, ip6 DNAT and REDIRECT, native nft dnat and redirect; read afresh on each call.
*/
export function natRulesets(): Rulesets {
	return {
		iptables: [
			{
				source: 'iptables',
				ruleset: parseIptablesSave(
					fixture('iptables/nat-docker-kube-proxy.txt'),
				),
				incompatible: [],
			},
			{
				source: 'ip6tables',
				ruleset: parseIptablesSave(fixture('iptables/nat-ip6.txt')),
				incompatible: [],
			},
		],
		nft: {
			ruleset: parseNftJson(fixture('nft/nat.json')),
			texts: parseNftRuleTexts(fixture('nft/nat-handles.txt')),
		},
	};
}
