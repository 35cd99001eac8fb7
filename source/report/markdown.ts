import type {Report} from './model.js';

/** The report as markdown (for tickets, `echo | refused`, and the app's export). */
export function renderMarkdown(report: Report): string {
	const lines = [`# refused ${report.target.input}`, '', `Probe: ${report.probe.outcome} (${report.probe.address})`, ''];
	for (const cause of report.causes) {
		lines.push(`## ${cause.id} (${cause.confidence})`, '', cause.summary, '');
	}

	return lines.join('\n');
}
