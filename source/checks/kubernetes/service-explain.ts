import type {KubernetesServicePort} from '../../tree/facts.js';

/** "nodePort 30080 → port 80 → targetPort 8080". */
export const portText = (port: KubernetesServicePort) =>
	`${port.nodePort === undefined ? '' : `nodePort ${port.nodePort} → `}port ${port.port} → targetPort ${port.targetPort}`;
