import type {ProxyKind} from '../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../tree/types.js';
import {hostPort} from '../../net/address.js';
import {shellQuote} from '../../text/sanitize.js';
import {defineCheck, type JudgeInput} from '../define.js';
import {isGatewayError, proxyLabels} from '../../tree/nodes/proxy.js';
import {statusLine} from './kinds.js';

/** The commands that show, on each kind of balancer, what its listener and health checks see. */
export function balancerCommands(
	kind: ProxyKind | undefined,
	host: string,
	port: number,
): Fix[] {
	const aws: Fix[] = [
		{
			command: `aws elbv2 describe-load-balancers --query ${shellQuote([`LoadBalancers[?DNSName=='${host}'].[LoadBalancerArn,Type,SecurityGroups]`])}`,
			why: 'AWS: find the load balancer behind this name (its ARN, type and security groups).',
		},
		{
			command:
				'aws elbv2 describe-listeners --load-balancer-arn <lb-arn> --query "Listeners[].[Port,Protocol,DefaultActions[0].TargetGroupArn]"',
			why: `AWS: is there a listener on port ${port}, and which target group does it forward to?`,
		},
		{
			command: 'aws elbv2 describe-target-health --target-group-arn <tg-arn>',
			why: 'AWS: each target\'s health as the balancer sees it; "unhealthy" with Target.FailedHealthChecks or Target.ResponseCodeMismatch says why.',
		},
		{
			command:
				'aws elbv2 describe-target-groups --target-group-arns <tg-arn> --query "TargetGroups[].[Port,HealthCheckProtocol,HealthCheckPort,HealthCheckPath,Matcher.HttpCode]"',
			why: "AWS: the target port and the health check's port, path and expected code: they must match what the instances serve.",
		},
		{
			command:
				'aws ec2 describe-security-groups --group-ids <instance-sg-id> --query "SecurityGroups[].IpPermissions"',
			why: "AWS: the targets' security group must allow the target port and the health check port from the balancer's security group (or subnet).",
		},
	];
	const gcp: Fix[] = [
		{
			command:
				'gcloud compute forwarding-rules list --format="table(name,IPAddress,portRange,target)"',
			why: `GCP: is there a forwarding rule for this address and port ${port}?`,
		},
		{
			command:
				'gcloud compute backend-services get-health <backend-service> --global',
			why: "GCP: each backend's health state as the balancer sees it (use --region=<region> for regional balancers).",
		},
		{
			command: 'gcloud compute health-checks describe <health-check>',
			why: "GCP: the health check's port and request path must match what the backends serve.",
		},
		{
			command:
				'gcloud compute firewall-rules list --filter="sourceRanges:(35.191.0.0/16 130.211.0.0/22)"',
			why: "GCP: health checks come from 35.191.0.0/16 and 130.211.0.0/22; a firewall rule must allow them to the backends' port.",
		},
	];
	const azure: Fix[] = [
		{
			command:
				'az network application-gateway show-backend-health -g <resource-group> -n <gateway>',
			why: "Azure Application Gateway: each backend's health and the probe's error.",
		},
		{
			command:
				'az network lb probe list -g <resource-group> --lb-name <lb> -o table',
			why: "Azure Load Balancer: the health probe's port and path.",
		},
		{
			command:
				'az network nsg rule list -g <resource-group> --nsg-name <nsg> -o table',
			why: "Azure: the backends' NSG must allow the AzureLoadBalancer service tag to the probe port.",
		},
	];
	const haproxy: Fix[] = [
		{
			command:
				'echo "show stat" | sudo socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,18,37',
			why: "HAProxy (on its host): each server's status (UP/DOWN) and the last health check result; or open its stats page.",
		},
		{
			command:
				'sudo grep -nE "^(frontend|backend|listen)|bind|server " /etc/haproxy/haproxy.cfg',
			why: `HAProxy: which frontend binds port ${port}, and which servers are behind it.`,
		},
	];
	const nginx: Fix[] = [
		{
			command:
				'sudo nginx -T | grep -nE "listen|server_name|proxy_pass|upstream|server "',
			why: `nginx (on its host): which server block listens on ${port} and where it proxies to.`,
		},
		{
			command: 'sudo tail -n 50 /var/log/nginx/error.log',
			why: 'nginx: "connect() failed (111: Connection refused) while connecting to upstream" names the backend that refuses.',
		},
	];
	const generic: Fix[] = [
		{
			command: `refused <backend-address>:<backend-port>`,
			why: "Run this on (or against) each backend: a backend that refuses fails the balancer's health checks; it is the one to diagnose.",
		},
		{
			command:
				'curl -sv http://<backend-address>:<health-check-port><health-check-path>',
			why: "From a host in the balancer's network: the health check must get its expected code (usually 200) within its timeout.",
		},
	];
	switch (kind) {
		case 'aws-elb': {
			return [...aws, ...generic];
		}

		case 'gcp-lb': {
			return [...gcp, ...generic];
		}

		case 'azure-lb': {
			return [...azure, ...generic];
		}

		case 'haproxy': {
			return [...haproxy, ...generic];
		}

		case 'nginx': {
			return [...nginx, ...generic];
		}

		default: {
			return [
				...aws.slice(2, 4),
				...gcp.slice(1, 2),
				...haproxy.slice(0, 1),
				...nginx.slice(1),
				...generic,
			];
		}
	}
}

const explanation = [
	'A load balancer (or a proxy on another host) accepts the client and dials a backend itself, from its own address.',
	"It sends only to backends whose health checks pass: a check on a port and path, from the balancer's addresses.",
	'No healthy backend: an HTTP balancer answers 502/503; a TCP one resets or refuses; with no listener for the port, the balancer itself refuses.',
	'What to check on it: the listener (port and protocol), the target port it forwards to, the health check (path, port, expected code), and the security groups or firewalls between it and the backends.',
];

/** The balancer is not on this host: say what its health checks see and how to read them there. Pure: nothing to measure here. */
export function judgeLoadBalancer(
	_observations: Record<string, never>,
	{target, facts}: JudgeInput,
): CheckResult {
	const upstream = facts.upstream;
	const kind = upstream?.proxy;
	const label = kind ? proxyLabels[kind] : 'the load balancer';
	const commands = balancerCommands(kind, target.host, target.port);
	const output = [...explanation, ...commands.map(c => `$ ${c.command}`)];
	const http = upstream?.http;
	const dialed = hostPort(target.host, target.port);
	if (http && isGatewayError(http.status)) {
		const finding: Finding = {
			id: 'upstream-refused',
			confidence: kind ? 'likely' : 'possible',
			summary: `${label} in front of ${dialed} answers ${statusLine(http.status)}: it has no healthy backend to send to (its health checks fail, or the backends refuse). The balancer is not on this host; check it with the commands below.`,
			evidence: [
				`GET ${http.url} → ${statusLine(http.status)}${http.server ? ` (Server: ${http.server})` : ''}`,
				...(upstream?.evidence ? [`identified by ${upstream.evidence}`] : []),
			],
			fixes: commands,
		};
		return {
			status: 'problem',
			detail: `${label} answers ${statusLine(http.status)}: no healthy backend; its health checks can only be read on the balancer (commands below)`,
			output,
			findings: [finding],
		};
	}

	return {
		status: 'unknown',
		detail: `${label} is not on this host: what its listener and health checks see can only be read on it (commands below)`,
		output,
	};
}

export const loadBalancer = defineCheck({
	measure: async () => ({}),
	judge: judgeLoadBalancer,
});
