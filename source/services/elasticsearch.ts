/** Elasticsearch and OpenSearch: elasticsearch.yml (network.host, network.bind_host, http.host, http.port). */
import {
	scanConfig,
	splitList,
	unquote,
	type LineSyntax,
} from '../parsers/service-config.js';
import {systemctl} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

/** Elasticsearch's special values (_local_, _site_, _global_) as addresses. */
function special(address: string): string {
	if (address === '_local_') {
		return 'localhost';
	}

	return address === '_site_' || address === '_global_' ? '0.0.0.0' : address;
}

const syntax: LineSyntax = {
	setting:
		/^\s*(#\s*)?(network\.host|network\.bind_host|http\.host|http\.port)\s*:\s*([^#\n]+)/,
	value(key, raw) {
		const value = unquote(raw);
		if (key === 'http.port') {
			// "9200" or a range "9200-9300": the first port is tried first.
			const port = /^(\d+)/.exec(value);
			return port ? {port: Number(port[1])} : undefined;
		}

		return {
			addresses: splitList(value.replaceAll(/^\[|]$/g, '')).map(a =>
				special(a),
			),
		};
	},
};

export const elasticsearch: ServiceModule = {
	id: 'elasticsearch',
	name: 'Elasticsearch/OpenSearch',
	ports: [9200, 9300],
	processes: ['java', 'elasticsearch', 'opensearch'],
	units: ['elasticsearch*', 'opensearch*'],
	configPaths: [
		'/etc/elasticsearch/elasticsearch.yml',
		'/etc/opensearch/opensearch.yml',
	],
	logPaths: ['/var/log/elasticsearch', '/var/log/opensearch'],
	defaultAddresses: ['localhost'],
	exposure: `${firewallLine} and keep security (xpack.security.enabled) on; a non-loopback network.host also turns on the production bootstrap checks.`,
	bindAll: 'network.host: 0.0.0.0',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: () => [],
		configFiles(argv) {
			const dir = argv
				.find(a => a.startsWith('-Des.path.conf='))
				?.slice('-Des.path.conf='.length);
			return {files: dir ? [`${dir}/elasticsearch.yml`] : []};
		},
		bindEdit: (address, _port, kept) =>
			`network.host: [${[...kept.map(a => (a === 'localhost' ? '_local_' : a)), address].join(', ')}]`,
		setPort: port => `http.port: ${port}`,
	},
	restart: ({systemd, root}) =>
		systemd
			? systemctl(root, 'restart', 'elasticsearch')
			: 'kill the elasticsearch process, then start bin/elasticsearch -d',
};
