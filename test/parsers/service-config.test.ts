import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {effectiveConfig} from '../../source/parsers/service-config.js';
import {serviceById, services} from '../../source/services/index.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

/** Each service module's syntax, by service id (the config readers live in source/services/). */
const syntaxOf = (id: string) => serviceById(id)!.syntax!;
const parseServiceConfig = (id: string, text: string, file: string) =>
	syntaxOf(id).parse(text, file);
const parseCommandLineConfig = (
	id: string,
	argv: readonly string[],
	file: string,
) => syntaxOf(id).commandLine(argv, file);
const configFromCommandLine = (id: string, argv: readonly string[]) =>
	syntaxOf(id).configFiles(argv);

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('PostgreSQL: the postgresql.conf initdb 15 wrote on this host', () => {
	const text = fixture('postgres/initdb-15-postgresql.conf');

	test('only commented defaults: built-in values apply', () => {
		const {lines} = parseServiceConfig(
			'postgresql',
			text,
			'/d/postgresql.conf',
		);
		expect(lines).toEqual([
			expect.objectContaining({
				line: 60,
				key: 'listen_addresses',
				addresses: ['localhost'],
				commented: true,
			}),
			expect.objectContaining({
				line: 64,
				key: 'port',
				port: 5432,
				commented: true,
			}),
		]);
		expect(effectiveConfig(lines)).toEqual({});
	});

	test('the active line wins, with file:line and the text as written', () => {
		const edited = text
			.replace(
				"#listen_addresses = 'localhost'",
				"listen_addresses = 'localhost,10.0.0.5'",
			)
			.replace('#port = 5432', 'port = 5433');
		const {lines} = parseServiceConfig(
			'postgresql',
			edited,
			'/d/postgresql.conf',
		);
		const effective = effectiveConfig(lines);
		expect(effective.addresses).toEqual(['localhost', '10.0.0.5']);
		expect(effective.port).toBe(5433);
		expect(effective.bindLine).toMatchObject({
			file: '/d/postgresql.conf',
			line: 60,
		});
		expect(effective.bindLine?.text).toMatch(
			/^listen_addresses = 'localhost,10\.0\.0\.5'\s+# what IP/,
		);
	});

	test('the command line wins over the file', () => {
		const argv = [
			'postgres',
			'-D',
			'/var/lib/postgresql/15/main',
			'-c',
			'config_file=/etc/postgresql/15/main/postgresql.conf',
			'-c',
			'listen_addresses=*',
			'-p',
			'5434',
		];
		expect(configFromCommandLine('postgresql', argv)).toEqual({
			files: ['/etc/postgresql/15/main/postgresql.conf'],
			dir: '/var/lib/postgresql/15/main',
		});
		expect(
			configFromCommandLine('postgresql', ['postgres', '-D', '/tmp/x/data']),
		).toEqual({files: ['/tmp/x/data/postgresql.conf'], dir: '/tmp/x/data'});
		const fromArgv = parseCommandLineConfig(
			'postgresql',
			argv,
			'/proc/9/cmdline',
		);
		const file = parseServiceConfig(
			'postgresql',
			"listen_addresses = 'localhost'\nport = 5432\n",
			'/etc/p.conf',
		).lines;
		expect(effectiveConfig([...file, ...fromArgv])).toMatchObject({
			addresses: ['*'],
			port: 5434,
		});
	});
});

describe('nginx', () => {
	test('the Debian default site on this host: listen 80 and listen [::]:80', () => {
		const {lines} = parseServiceConfig(
			'nginx',
			fixture('nginx/server-debian-sites-default.conf'),
			'/etc/nginx/sites-enabled/default',
		);
		expect(lines.map(l => [l.line, l.text, l.addresses, l.port])).toEqual([
			[22, 'listen 80 default_server;', ['0.0.0.0'], 80],
			[23, 'listen [::]:80 default_server;', ['::'], 80],
		]);
	});

	test('includes are returned, listen outside server blocks ignored', () => {
		const {lines, includes} = parseServiceConfig(
			'nginx',
			'http {\n\tinclude /etc/nginx/conf.d/*.conf;\n\tserver {\n\t\tlisten 127.0.0.1:8081;\n\t}\n}\n',
			'/x/nginx.conf',
		);
		expect(includes).toEqual(['/etc/nginx/conf.d/*.conf']);
		expect(lines).toEqual([
			expect.objectContaining({
				line: 4,
				addresses: ['127.0.0.1'],
				port: 8081,
				text: 'listen 127.0.0.1:8081;',
			}),
		]);
	});

	test('nginx -c and -p from a master process title', () => {
		const argv =
			'nginx: master process nginx -c /tmp/n/nginx.conf -p /tmp/n/'.split(' ');
		expect(configFromCommandLine('nginx', argv)).toEqual({
			files: ['/tmp/n/nginx.conf'],
			dir: '/tmp/n/',
		});
		expect(
			configFromCommandLine('nginx', [
				'nginx',
				'-p',
				'/srv/',
				'-c',
				'conf/site.conf',
			]),
		).toEqual({files: ['/srv/conf/site.conf'], dir: '/srv/'});
	});
});

// The following services are not installed on this machine: these are the stock lines of their config files.
describe('other services (stock config lines; the packages are not installed here)', () => {
	test('Redis: bind with optional (-) addresses, port, the commented stock default', () => {
		const {lines} = parseServiceConfig(
			'redis',
			'# By default ...\n# bind 192.168.1.100 10.0.0.1\nbind 127.0.0.1 -::1\nport 6380\n',
			'/etc/redis/redis.conf',
		);
		expect(effectiveConfig(lines)).toMatchObject({
			addresses: ['127.0.0.1', '::1'],
			port: 6380,
		});
		expect(lines[0]).toMatchObject({commented: true, line: 2});
	});

	test('MySQL/MariaDB: only the [mysqld] section counts; !includedir', () => {
		const text =
			'[client]\nport = 3307\n[mysqld]\nbind-address = 127.0.0.1\n# port = 3306\n!includedir /etc/mysql/conf.d/\n';
		const {lines, includes} = parseServiceConfig(
			'mysql',
			text,
			'/etc/mysql/my.cnf',
		);
		expect(effectiveConfig(lines)).toEqual(
			expect.objectContaining({addresses: ['127.0.0.1']}),
		);
		expect(effectiveConfig(lines).port).toBeUndefined();
		expect(includes).toEqual(['/etc/mysql/conf.d/*.cnf']);
	});

	test('MongoDB: net.bindIp and net.port', () => {
		const {lines} = parseServiceConfig(
			'mongodb',
			'storage:\n  dbPath: /var/lib/mongodb\nnet:\n  port: 27017\n  bindIp: 127.0.0.1,::1\n',
			'/etc/mongod.conf',
		);
		expect(effectiveConfig(lines)).toMatchObject({
			addresses: ['127.0.0.1', '::1'],
			port: 27_017,
		});
	});

	test('Elasticsearch: network.host and http.port', () => {
		const {lines} = parseServiceConfig(
			'elasticsearch',
			'#network.host: 192.168.0.1\nnetwork.host: _local_\nhttp.port: 9201\n',
			'/etc/elasticsearch/elasticsearch.yml',
		);
		expect(effectiveConfig(lines)).toMatchObject({
			addresses: ['localhost'],
			port: 9201,
		});
	});

	test('Apache: Listen lines add up', () => {
		const {lines} = parseServiceConfig(
			'apache',
			'Listen 80\n<IfModule ssl_module>\n\tListen 127.0.0.1:443\n</IfModule>\n',
			'/etc/apache2/ports.conf',
		);
		expect(lines.map(l => [l.addresses, l.port])).toEqual([
			[['*'], 80],
			[['127.0.0.1'], 443],
		]);
	});

	test('sshd: Port and ListenAddress, up to the first Match block', () => {
		const {lines, includes} = parseServiceConfig(
			'sshd',
			'Include /etc/ssh/sshd_config.d/*.conf\n#Port 22\nPort 2222\nListenAddress 127.0.0.1\nMatch User x\n\tPort 9\n',
			'/etc/ssh/sshd_config',
		);
		expect(includes).toEqual(['/etc/ssh/sshd_config.d/*.conf']);
		expect(effectiveConfig(lines)).toMatchObject({
			addresses: ['127.0.0.1'],
			port: 2222,
		});
	});
});

describe('fuzz', () => {
	const syntaxes = services.flatMap(service =>
		service.syntax ? [[service.id, service.syntax] as const] : [],
	);
	const captures = [
		readFileSync(
			new URL(
				'../fixtures/postgres/initdb-15-postgresql.conf',
				import.meta.url,
			),
			'utf8',
		),
		'[mysqld]\nbind-address = 127.0.0.1\nport = 3307\n!includedir /etc/mysql/conf.d/\n',
		'bind 127.0.0.1 -::1\nport 6390\ninclude /etc/redis/x.conf\n',
		'net:\n  port: 27017\n  bindIp: 127.0.0.1\n',
		'Listen 127.0.0.1:8089\nInclude ports.conf\n',
		'Port 2223\nListenAddress 127.0.0.1\nMatch User x\n',
		'http {\n server {\n  listen 127.0.0.1:8081;\n }\n}\n',
	];

	test(`property: every service's config reader takes random and damaged text without throwing (${runs} cases, seed ${seed})`, () => {
		fc.assert(
			fc.property(inputs(captures), text => {
				for (const [, syntax] of syntaxes) {
					const {lines, includes} = syntax.parse(text, '/f');
					expect(Array.isArray(includes)).toBe(true);
					for (const line of lines) {
						expect(line.line).toBeGreaterThan(0);
					}

					effectiveConfig(lines);
				}
			}),
			{numRuns: runs, seed},
		);
	});

	test(`property: command lines of random words never throw (${runs} cases, seed ${seed})`, () => {
		const word = fc.oneof(
			fc.string({unit: 'binary', maxLength: 20}),
			fc.constantFrom(
				'-c',
				'-p',
				'-h',
				'-D',
				'--port',
				'--bind',
				'--bind_ip_all',
				'-f',
				'--defaults-file',
			),
		);
		fc.assert(
			fc.property(fc.array(word, {maxLength: 10}), argv => {
				for (const [, syntax] of syntaxes) {
					for (const line of syntax.commandLine(argv, '/proc/1/cmdline')) {
						expect(line.line).toBe(0);
					}

					expect(Array.isArray(syntax.configFiles(argv).files)).toBe(true);
				}
			}),
			{numRuns: runs, seed},
		);
	});
});
