/**
The firewall step: read the rules (iptables, nft; ufw and firewalld on top), walk them for the
SYN this host's client sent to each local address that did not accept, and name the rule that
decided. A reject or drop is confirmed by the rule's counters across one more connect.
Measure (./measure.ts), judge (./judge.ts) and explain (./explain.ts, ./fixes.ts) apart.
*/
import {defineCheck} from '../define.js';
import {judge} from './judge.js';
import {measure} from './measure.js';

export {remoteClient} from './select.js';

export const firewallRules = defineCheck({measure, judge});
