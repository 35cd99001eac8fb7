// Regenerates the README's usage block (from --help) and cause table, and the JSON schema's cause
// enum, from the one cause registry (source/tree/causes.ts).
// Usage: npm run readme   (test/tree/tree.test.ts fails when the README or schema drifts from the code)
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {build} from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const bundled = await build({
	entryPoints: [`${root}source/tree/causes.ts`],
	bundle: true,
	format: 'esm',
	platform: 'node',
	write: false,
});
const {causes, causeIds} = await import(
	`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`
);
const help = execFileSync(process.execPath, [`${root}dist/cli.js`, '--help'], {
	encoding: 'utf8',
}).replace(/\n+$/, '');
const rows = causes.map(c => `| \`${c.id}\` | ${c.title} |`).join('\n');
let readme = readFileSync(`${root}README.md`, 'utf8');
readme = readme.replace(
	/<!-- usage -->[\s\S]*?<!-- \/usage -->/,
	`<!-- usage -->\n\`\`\`\n${help}\n\`\`\`\n<!-- /usage -->`,
);
readme = readme.replace(
	/<!-- causes -->[\s\S]*?<!-- \/causes -->/,
	`<!-- causes -->\n| id | what it means |\n| --- | --- |\n${rows}\n<!-- /causes -->`,
);
writeFileSync(`${root}README.md`, readme);

const schemaPath = `${root}schema/report.schema.json`;
const schema = readFileSync(schemaPath, 'utf8');
const enumText = causeIds.map(id => `\t\t\t\t"${id}"`).join(',\n');
writeFileSync(
	schemaPath,
	schema.replace(
		/("causeId": {\n\t{3}"enum": \[\n)[\s\S]*?(\n\t{3}])/,
		`$1${enumText}$2`,
	),
);
