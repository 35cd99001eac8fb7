/**
The firewall model: pure evaluators over parsed rulesets. Which rule decides one TCP SYN (the
walk over iptables and nft base chains), which ufw rule or firewalld zone stands behind it, and
the same rule found again in a fresh reading (its counters).
*/
export {decide} from './walk.js';
export {iptablesBaseChains} from './iptables.js';
export {nftBaseChains} from './nft.js';
export {
	describeRef,
	type BaseChain,
	type ClientSees,
	type Decision,
	type Hook,
	type Packet,
	type RuleRef,
	type RuleSource,
} from './rules.js';
