/**
Well-known ports and the services behind them (data): which process names, systemd units, config
files and log files belong to each, the setting that decides where it listens, and how to restart
it. Used to say which service should own a port, to find its config, and to write the fix.
*/

export type ConfigSyntax =
	| 'postgresql'
	| 'nginx'
	| 'redis'
	| 'mysql'
	| 'mongodb'
	| 'elasticsearch'
	| 'apache'
	| 'sshd';

export type ServiceDef = {
	readonly id: string;
	readonly name: string;
	readonly ports: readonly number[];
	/** Process names as /proc/PID/comm and ss show them. */
	readonly processes: readonly string[];
	/** Systemd unit name patterns (for `systemctl list-units`). */
	readonly units: readonly string[];
	readonly syntax?: ConfigSyntax;
	/** Default config files, most specific first; "*" matches one folder level (/etc/postgresql/*\/main). */
	readonly configPaths: readonly string[];
	/** Its own log files or folders (used where no systemd runs). */
	readonly logPaths: readonly string[];
	/** Where it listens when the config says nothing. */
	readonly defaultAddresses: readonly string[];
	/** The edit that makes it listen on every address (with the file named by the caller). */
	readonly bindAll: string;
	/** The edit that sets its port. */
	readonly setPort: (port: number) => string;
	/** Restart without systemd (the service's own command); {dir} is replaced by its data/config folder when known. */
	readonly restartOther: string;
	/** Restart with systemd. */
	readonly restartSystemd: string;
	/** What listening on all addresses exposes, in one line. */
	readonly exposure: string;
};

const firewallLine =
	'Binding every address opens it to the network: allow only trusted clients in the firewall';

export const services: readonly ServiceDef[] = [
	{
		id: 'postgresql',
		name: 'PostgreSQL',
		ports: [5432, 5433],
		processes: ['postgres', 'postmaster'],
		units: ['postgresql*'],
		syntax: 'postgresql',
		configPaths: [
			'/etc/postgresql/*/main/postgresql.conf',
			'/var/lib/pgsql/data/postgresql.conf',
			'/var/lib/postgresql/data/postgresql.conf',
		],
		logPaths: ['/var/log/postgresql', '/var/lib/pgsql/data/log'],
		defaultAddresses: ['localhost'],
		bindAll: "listen_addresses = '*'",
		setPort: port => `port = ${port}`,
		restartOther: 'pg_ctl -D {dir} restart',
		restartSystemd: 'sudo systemctl restart postgresql',
		exposure: `${firewallLine} and require passwords for remote hosts in pg_hba.conf (host ... scram-sha-256).`,
	},
	{
		id: 'mysql',
		name: 'MySQL/MariaDB',
		ports: [3306],
		processes: ['mysqld', 'mariadbd'],
		units: ['mysql*', 'mariadb*'],
		syntax: 'mysql',
		configPaths: [
			'/etc/mysql/mysql.conf.d/mysqld.cnf',
			'/etc/mysql/mariadb.conf.d/50-server.cnf',
			'/etc/mysql/my.cnf',
			'/etc/my.cnf',
		],
		logPaths: [
			'/var/log/mysql/error.log',
			'/var/log/mariadb/mariadb.log',
			'/var/log/mysqld.log',
		],
		defaultAddresses: ['*'],
		bindAll: 'bind-address = 0.0.0.0',
		setPort: port => `port = ${port}`,
		restartOther: 'mysqladmin shutdown; mysqld_safe &',
		restartSystemd: 'sudo systemctl restart mysql',
		exposure: `${firewallLine}, and give remote users a strong password (CREATE USER 'app'@'10.0.0.%').`,
	},
	{
		id: 'redis',
		name: 'Redis',
		ports: [6379],
		processes: ['redis-server', 'valkey-server'],
		units: ['redis*', 'valkey*'],
		syntax: 'redis',
		configPaths: [
			'/etc/redis/redis.conf',
			'/etc/redis.conf',
			'/etc/valkey/valkey.conf',
		],
		logPaths: ['/var/log/redis/redis-server.log', '/var/log/redis'],
		defaultAddresses: ['*'],
		bindAll: 'bind 0.0.0.0 ::',
		setPort: port => `port ${port}`,
		restartOther: 'redis-cli shutdown; redis-server {file} &',
		restartSystemd: 'sudo systemctl restart redis-server',
		exposure: `${firewallLine} and set requirepass (Redis has no password by default; protected-mode refuses remote clients without one).`,
	},
	{
		id: 'mongodb',
		name: 'MongoDB',
		ports: [27_017],
		processes: ['mongod'],
		units: ['mongod*'],
		syntax: 'mongodb',
		configPaths: ['/etc/mongod.conf'],
		logPaths: ['/var/log/mongodb/mongod.log'],
		defaultAddresses: ['127.0.0.1'],
		bindAll: 'net:\n  bindIpAll: true',
		setPort: port => `net:\n  port: ${port}`,
		restartOther:
			'mongod --config {file} --shutdown; mongod --config {file} --fork',
		restartSystemd: 'sudo systemctl restart mongod',
		exposure: `${firewallLine} and enable authorization (security.authorization: enabled).`,
	},
	{
		id: 'elasticsearch',
		name: 'Elasticsearch/OpenSearch',
		ports: [9200, 9300],
		processes: ['java', 'elasticsearch', 'opensearch'],
		units: ['elasticsearch*', 'opensearch*'],
		syntax: 'elasticsearch',
		configPaths: [
			'/etc/elasticsearch/elasticsearch.yml',
			'/etc/opensearch/opensearch.yml',
		],
		logPaths: ['/var/log/elasticsearch', '/var/log/opensearch'],
		defaultAddresses: ['localhost'],
		bindAll: 'network.host: 0.0.0.0',
		setPort: port => `http.port: ${port}`,
		restartOther:
			'kill the elasticsearch process, then start bin/elasticsearch -d',
		restartSystemd: 'sudo systemctl restart elasticsearch',
		exposure: `${firewallLine} and keep security (xpack.security.enabled) on; a non-loopback network.host also turns on the production bootstrap checks.`,
	},
	{
		id: 'nginx',
		name: 'nginx',
		ports: [80, 443, 8080],
		processes: ['nginx'],
		units: ['nginx*'],
		syntax: 'nginx',
		configPaths: ['/etc/nginx/nginx.conf'],
		logPaths: ['/var/log/nginx/error.log'],
		defaultAddresses: ['0.0.0.0'],
		bindAll: 'listen {port};  listen [::]:{port};',
		setPort: port => `listen ${port};`,
		restartOther: 'nginx -t && nginx -s reload',
		restartSystemd: 'sudo nginx -t && sudo systemctl reload nginx',
		exposure: `${firewallLine} (the site becomes reachable by every host that can route here).`,
	},
	{
		id: 'apache',
		name: 'Apache httpd',
		ports: [80, 443, 8080],
		processes: ['apache2', 'httpd'],
		units: ['apache2*', 'httpd*'],
		syntax: 'apache',
		configPaths: [
			'/etc/apache2/ports.conf',
			'/etc/httpd/conf/httpd.conf',
			'/etc/apache2/apache2.conf',
		],
		logPaths: ['/var/log/apache2/error.log', '/var/log/httpd/error_log'],
		defaultAddresses: ['*'],
		bindAll: 'Listen {port}',
		setPort: port => `Listen ${port}`,
		restartOther: 'apachectl configtest && apachectl graceful',
		restartSystemd:
			'sudo apachectl configtest && sudo systemctl reload apache2',
		exposure: `${firewallLine} (the site becomes reachable by every host that can route here).`,
	},
	{
		id: 'sshd',
		name: 'OpenSSH server',
		ports: [22],
		processes: ['sshd'],
		units: ['ssh.service', 'sshd.service'],
		syntax: 'sshd',
		configPaths: ['/etc/ssh/sshd_config'],
		logPaths: ['/var/log/auth.log', '/var/log/secure'],
		defaultAddresses: ['0.0.0.0', '::'],
		bindAll: 'ListenAddress 0.0.0.0\nListenAddress ::',
		setPort: port => `Port ${port}`,
		restartOther: 'sshd -t && kill -HUP $(cat /run/sshd.pid)',
		restartSystemd: 'sudo sshd -t && sudo systemctl restart ssh',
		exposure: `${firewallLine}, and allow keys only (PasswordAuthentication no).`,
	},
	{
		id: 'node',
		name: 'Node.js dev server',
		ports: [3000, 3001, 4200, 5173, 4173, 8000, 8080, 8081, 9229],
		processes: ['node', 'nodejs', 'bun', 'deno'],
		units: [],
		configPaths: [],
		logPaths: [],
		defaultAddresses: ['localhost'],
		bindAll:
			"server.listen(PORT, '0.0.0.0') in code; vite --host 0.0.0.0; next dev -H 0.0.0.0; ng serve --host 0.0.0.0; webpack devServer.host: '0.0.0.0'",
		setPort: port => `PORT=${port} (or --port ${port})`,
		restartOther: 'stop it (Ctrl+C) and start it again with the new host/port',
		restartSystemd:
			'stop it (Ctrl+C) and start it again with the new host/port',
		exposure:
			'A dev server on every address is reachable by anyone on the network: only on trusted networks, never with debug endpoints open.',
	},
	{
		id: 'python',
		name: 'Python dev server',
		ports: [8000, 5000, 8888, 8080],
		processes: ['python', 'python3', 'gunicorn', 'uvicorn', 'flask'],
		units: [],
		configPaths: [],
		logPaths: [],
		defaultAddresses: ['127.0.0.1'],
		bindAll:
			'python3 manage.py runserver 0.0.0.0:PORT; flask run --host 0.0.0.0; uvicorn app:app --host 0.0.0.0; python3 -m http.server --bind 0.0.0.0',
		setPort: port => `--port ${port}`,
		restartOther: 'stop it (Ctrl+C) and start it again with the new host/port',
		restartSystemd:
			'stop it (Ctrl+C) and start it again with the new host/port',
		exposure:
			'A dev server on every address is reachable by anyone on the network: Django/Flask debug mode must then be off.',
	},
	{
		id: 'java',
		name: 'Java server',
		ports: [8080, 8443, 9090],
		processes: ['java'],
		units: [],
		configPaths: [],
		logPaths: [],
		defaultAddresses: ['*'],
		bindAll:
			'server.address=0.0.0.0 (Spring Boot application.properties), or remove -Djava.net.preferIPv6Addresses / a v4-mapped bind',
		setPort: port => `server.port=${port}`,
		restartOther: 'restart the application',
		restartSystemd: 'restart the application',
		exposure: `${firewallLine} and keep management endpoints (actuator, JMX) off the network.`,
	},
];

/** Names of well-known ports (more than the services above: for "port 5433 is usually ..."). */
export const wellKnownPorts: Readonly<Record<number, string>> = {
	21: 'FTP',
	22: 'SSH',
	25: 'SMTP',
	53: 'DNS',
	80: 'HTTP',
	110: 'POP3',
	143: 'IMAP',
	389: 'LDAP',
	443: 'HTTPS',
	465: 'SMTPS',
	587: 'SMTP submission',
	636: 'LDAPS',
	993: 'IMAPS',
	1433: 'Microsoft SQL Server',
	1521: 'Oracle',
	1883: 'MQTT',
	2181: 'ZooKeeper',
	2375: 'Docker API',
	2376: 'Docker API (TLS)',
	2379: 'etcd',
	3000: 'Node/Grafana dev server',
	3306: 'MySQL/MariaDB',
	3389: 'RDP',
	4200: 'Angular dev server',
	5000: 'Flask dev server',
	5173: 'Vite dev server',
	5432: 'PostgreSQL',
	5433: 'PostgreSQL (second cluster)',
	5601: 'Kibana',
	5672: 'RabbitMQ',
	5900: 'VNC',
	6379: 'Redis',
	6443: 'Kubernetes API',
	8000: 'HTTP dev server (Django, uvicorn)',
	8080: 'HTTP alternate (proxies, Java, Tomcat)',
	8081: 'HTTP alternate',
	8443: 'HTTPS alternate',
	8888: 'Jupyter',
	9000: 'PHP-FPM / MinIO',
	9090: 'Prometheus',
	9092: 'Kafka',
	9200: 'Elasticsearch/OpenSearch HTTP',
	9229: 'Node inspector',
	9300: 'Elasticsearch transport',
	11_211: 'memcached',
	15_672: 'RabbitMQ management',
	27_017: 'MongoDB',
};

export function serviceById(id: string): ServiceDef | undefined {
	return services.find(service => service.id === id);
}

/** The service a process name belongs to (a "java" process could be many things: first match). */
export function serviceForProcess(name: string): ServiceDef | undefined {
	return services.find(service => service.processes.includes(name));
}

/** Services known for a port (databases and servers before dev servers). */
export function servicesForPort(port: number): ServiceDef[] {
	return services.filter(service => service.ports.includes(port));
}

/** "5432 (PostgreSQL)" or "5432". */
export function portName(port: number): string {
	const name = wellKnownPorts[port];
	return name ? `${port} (${name})` : String(port);
}
