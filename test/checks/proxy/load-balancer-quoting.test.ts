/**
The load balancer's look-up commands carry the target host inside an AWS --query: quoted by the one
shell-quoting function, so a pasted command keeps it as data whatever the host holds.
*/
import {describe, expect, test} from 'vitest';
import {balancerCommands} from '../../../source/checks/proxy/load-balancer.js';
import {
	assertInert,
	hostileStrings,
	shellWords,
} from '../../helpers/hostile.js';

describe('balancerCommands', () => {
	test('the host stays one argument of --query, and no pasted command runs anything', () => {
		for (const host of ['lb-1.example.com', ...hostileStrings]) {
			const [find] = balancerCommands('aws-elb', host, 443);
			const words = shellWords(find!.command);
			expect(words.slice(0, 4)).toEqual([
				'aws',
				'elbv2',
				'describe-load-balancers',
				'--query',
			]);
			expect(words[4]).toBe(
				`LoadBalancers[?DNSName=='${host}'].[LoadBalancerArn,Type,SecurityGroups]`,
			);
			assertInert(find!.command);
		}
	});
});
