import {writeFileSync} from 'node:fs';
import {test} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {startPostgres} from '../helpers/servers.js';
import {createSshLab} from '../helpers/sshd.js';

test('capture', async () => {
	const lab = await createSshLab();
	try {
		const pg = await startPostgres(lab.ns, {listenAddresses: 'localhost'});
		const md = await lab.client$(process.execPath, [cliPath, `${lab.server}:5432`, '--via', `root@${lab.server}`, '--markdown']);
		writeFileSync('/tmp/via-readme.md', String(md.stdout));
		await lab.ns.exec('iptables', ['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
		await lab.ns.exec('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '6379', '-j', 'DROP']);
		const l = await lab.ns.listen('0.0.0.0', 6379);
		const md2 = await lab.client$(process.execPath, [cliPath, `${lab.server}:6379`, '--via', `rftsudo@${lab.server}`, '--markdown', '--timeout', '2s']);
		writeFileSync('/tmp/via-readme-drop.md', String(md2.stdout));
		l.kill();
		await lab.stopSshd();
		const md3 = await lab.client$(process.execPath, [cliPath, `${lab.server}:5432`, '--via', `root@${lab.server}`, '--json']);
		writeFileSync('/tmp/via-readme-refused.txt', String(md3.stderr));
		await lab.startSshd();
		await pg.stop();
	} finally {
		await lab.cleanup();
	}
});
