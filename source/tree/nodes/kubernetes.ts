import type {CheckNode} from '../types.js';

/** The kubernetes checks of the tree (in the order they appear on screen). */
export const kubernetesChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'kube-context',
		writes: ['kubernetes'],
		title: 'Is there a Kubernetes cluster to ask?',
		why: 'When the target is a Kubernetes Service (a ClusterIP, a NodePort or a name like web.shop.svc.cluster.local), the refusal usually comes from the Service having nowhere to send the connection.',
		read: "kubectl's current context, read from the kubeconfig (a gcloud kubectl dispatcher also asks the server's version here). No kubectl or no context: the Kubernetes steps are skipped.",
		after: ['probe'],
		when: facts =>
			facts.probe?.outcome === 'open'
				? 'the target accepts connections: no Service to look behind'
				: true,
		timeoutMs: 9000,
	},
	{
		kind: 'check',
		id: 'kube-service',
		writes: ['kubernetes'],
		title: 'Which Kubernetes Service is the target?',
		why: 'A Service is reached by its DNS name, its clusterIP and port, or a nodePort on every node. Finding it names the selector and the targetPort the traffic goes to.',
		read: "The Service, how it matched (name, clusterIP or nodePort), its ports (nodePort → port → targetPort) and its selector. A nodePort counts only when the target is one of the cluster's nodes (kubectl get nodes); when the nodes cannot be listed, the match is kept as likely at most.",
		after: ['kube-context'],
		when: facts =>
			facts.kubernetes?.context ? true : 'no kubectl context to ask',
		timeoutMs: 10_000,
	},
	{
		kind: 'check',
		id: 'kube-endpoints',
		writes: ['kubernetes'],
		title: 'Does the Service have ready endpoints on the right port?',
		why: 'A Service forwards only to ready pods its selector matches, on targetPort. No ready pod, or a targetPort the app does not listen on, and every connection is refused.',
		read: 'The EndpointSlices (ready or not), the pods the selector matches and why any is not ready, and targetPort against the ports the containers declare (declared ports are documentation: the real listener needs kubectl exec, shown as a command).',
		after: ['kube-service'],
		when: facts =>
			facts.kubernetes?.service ? true : 'no Service matches the target',
		timeoutMs: 20_000,
	},
];
