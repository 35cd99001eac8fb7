/**
The services the server checks know, one module each (./postgresql.ts, ./nginx.ts, ...), in the
order they are tried: databases and servers before dev servers. A new service is one module and
one line here.
*/
import {apache} from './apache.js';
import {java, node, python} from './dev-servers.js';
import {elasticsearch} from './elasticsearch.js';
import {mongodb} from './mongodb.js';
import {mysql} from './mysql.js';
import {nginx} from './nginx.js';
import {postgresql} from './postgresql.js';
import {redis} from './redis.js';
import {sshd} from './sshd.js';
import type {ServiceModule} from './types.js';

export type {RestartContext, ServiceModule, ServiceSyntax} from './types.js';
export {portName, wellKnownPorts} from './ports.js';

export const services: readonly ServiceModule[] = [
	postgresql,
	mysql,
	redis,
	mongodb,
	elasticsearch,
	nginx,
	apache,
	sshd,
	node,
	python,
	java,
];

/** The service a process name belongs to (a "java" process could be many things: first match). */
export function serviceForProcess(name: string): ServiceModule | undefined {
	return services.find(service => service.processes.includes(name));
}

/** Services known for a port (databases and servers before dev servers). */
export function servicesForPort(port: number): ServiceModule[] {
	return services.filter(service => service.ports.includes(port));
}

export function serviceById(id: string): ServiceModule | undefined {
	return services.find(service => service.id === id);
}
