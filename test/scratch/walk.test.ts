import {test} from 'vitest';
import {diagnose} from '../../source/diagnose.js';
import {openServer} from '../../source/via/index.js';
import {parseTarget} from '../../source/parsers/target.js';
import {createSshLab} from '../helpers/sshd.js';
import type {Io} from '../../source/checks/types.js';

test('walk', async () => {
	const lab = await createSshLab();
	try {
		const l = await lab.ns.listen('127.0.0.1', 5432);
		const server = await openServer({destination: {host: lab.server, user: 'root'}, batch: true, ssh: lab.ssh});
		if (!server.ok) throw new Error(server.failure.message + lab.log());
		const counts = new Map<string, number>();
		const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
		const io: Io = {...server.io,
			run: (spec, o) => { add('run ' + spec.file); return server.io.run(spec, o); },
			readFile: p => { add('read ' + p.replace(/\d+/g, 'N')); return server.io.readFile(p); },
			readDir: p => { add('dir ' + p); return server.io.readDir(p); },
			connect: (...a) => { add('connect'); return server.io.connect(...a); },
		};
		const target = parseTarget([`${lab.server}:5432`]);
		if ('error' in target) throw new Error(target.error);
		await diagnose(target, {io, timeoutMs: 2000, answers: {client: lab.ns.peer!.address}});
		console.log([...counts].sort((a, b) => b[1] - a[1]));
		const t = performance.now();
		const r = await io.connect('127.0.0.1', 5432, 1000);
		const r2 = await io.connect('127.0.0.1', 5439, 1000);
		console.log(r, r2, performance.now() - t);
		await server.close();
		l.kill();
	} finally {
		await lab.cleanup();
	}
});
