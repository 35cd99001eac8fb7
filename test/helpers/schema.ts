import {readFileSync} from 'node:fs';
import {Ajv} from 'ajv';

const schema = JSON.parse(
	readFileSync(
		new URL('../../schema/report.schema.json', import.meta.url),
		'utf8',
	),
) as object;
const ajv = new Ajv({allErrors: true, strict: false});
const validate = ajv.compile(schema);

/** The schema's complaints about a report ([] when valid). */
export function schemaErrors(report: unknown): string[] {
	return validate(report)
		? []
		: (validate.errors ?? []).map(
				error => `${error.instancePath} ${error.message ?? ''}`,
			);
}
