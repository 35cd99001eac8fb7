/**
The result model behind `--json`, the markdown report and the app's last screen. The JSON shape
is a public contract: schema/report.schema.json describes it and the tests validate against it.
*/
import {factsOf, type Session} from '../engine/session.js';
import {rankFindings} from '../engine/rank.js';
import {causeNode} from '../tree/causes.js';
import type {AddressProbe, ProbeFacts} from '../tree/facts.js';
import type {
	CauseNode,
	Finding,
	Outcome,
	QuestionKey,
	StepStatus,
} from '../tree/types.js';

/** A ranked finding with its registry title and explanation (derived from the tree's types). */
export type ReportCause = Pick<
	Finding,
	'id' | 'confidence' | 'summary' | 'evidence' | 'fixes'
> &
	Pick<CauseNode, 'title' | 'explanation'>;

/** The probe as reported: the tree's probe facts, minus what is internal (errno code, close after accept). */
export type ReportProbe = Pick<ProbeFacts, 'outcome' | 'address' | 'ms'> & {
	readonly addresses: ReadonlyArray<
		Pick<AddressProbe, 'address' | 'family' | 'source' | 'outcome' | 'ms'>
	>;
};

export type ReportStep = {
	readonly id: string;
	readonly title: string;
	readonly status: StepStatus;
	readonly command?: string;
	readonly detail: string;
	readonly output?: readonly string[];
};

export type ReportQuestion = {
	readonly key: QuestionKey;
	readonly prompt: string;
	readonly answer: string | null;
	readonly by: 'flag' | 'user' | 'auto' | 'unanswered';
	readonly evidence?: string;
};

/** The server's side of a `--via` diagnosis (see source/via/join.ts). */
export type ReportServer = {
	/** What was given to --via. */
	readonly destination: string;
	/** The server's own name, the login user, and how steps got root there. */
	readonly host?: string;
	readonly user?: string;
	readonly privilege?: 'root' | 'sudo' | 'user';
	/** Why sudo could not be used (privilege "user"): steps that need root say "could not tell". */
	readonly sudo?: string;
	/** The address and port the server probed (its own address, as this host dials it). */
	readonly target?: {readonly address: string; readonly port: number};
	/** The server's own connect to that address. */
	readonly probe?: {
		readonly outcome: Outcome;
		readonly address: string;
		readonly ms: number;
	};
	/** One line: what the two sides together say. */
	readonly verdict: string;
	/** Every step of the walk on the server. */
	readonly steps: readonly ReportStep[];
	/** Commands run there, all over one SSH connection. */
	readonly commands: number;
	/** The SSH connection could not be made. */
	readonly error?: {
		readonly kind: string;
		readonly message: string;
		/** Refused on the SSH port: that refusal can be walked (refused HOST:PORT). */
		readonly walk?: {readonly host: string; readonly port: number};
	};
};

export type Report = {
	readonly schemaVersion: 1;
	readonly tool: {readonly name: 'refused'; readonly version: string};
	readonly target: {
		readonly input: string;
		readonly host: string;
		readonly port: number;
		readonly scheme?: string;
	};
	/** The pasted error message (--error), when the target came from one. */
	readonly reported?: {
		readonly client: string;
		readonly outcome: Outcome | null;
		readonly addresses: readonly string[];
		readonly line: string;
		readonly portFrom: 'message' | 'default' | 'typed';
		readonly now: Outcome | null;
		readonly changed: boolean | null;
	};
	readonly probe: ReportProbe;
	readonly causes: readonly ReportCause[];
	readonly steps: readonly ReportStep[];
	readonly questions: readonly ReportQuestion[];
	/** 0: the target accepted and no problem was found; 1: a problem was found. */
	readonly exitCode: 0 | 1;
	/** With --via: the server's side, read over SSH. */
	readonly server?: ReportServer;
};

declare const __REFUSED_VERSION__: string | undefined;
export const version =
	typeof __REFUSED_VERSION__ === 'string' ? __REFUSED_VERSION__ : '0.0.0-dev';

function reportedOf(
	target: Session['target'],
	facts: ReturnType<typeof factsOf>,
): Pick<Report, 'reported'> {
	const reported = target.reported;
	if (!reported) {
		return {};
	}

	return {
		reported: {
			client: reported.client,
			outcome: reported.outcome ?? null,
			addresses: reported.addresses,
			line: reported.line,
			portFrom: reported.portFrom,
			now: facts.reported?.now ?? null,
			changed: facts.reported?.changed ?? null,
		},
	};
}

export function buildReport(session: Session): Report {
	const facts = factsOf(session);
	const probe = facts.probe;
	const causes = rankFindings(session).map(finding => {
		const node = causeNode(finding.id);
		return {
			id: finding.id,
			confidence: finding.confidence,
			title: node?.title ?? finding.id,
			summary: finding.summary,
			explanation: node?.explanation ?? '',
			evidence: finding.evidence,
			fixes: finding.fixes,
		};
	});
	const steps = session.tree.checks.flatMap(node => {
		const step = session.steps[node.id];
		if (step?.state !== 'done' || !step.result) {
			return [];
		}

		const {status, detail, command, output} = step.result;
		return [
			{
				id: node.id,
				title: node.title,
				status,
				detail,
				...(command ? {command} : {}),
				...(output?.length ? {output} : {}),
			},
		];
	});
	const questions = session.tree.questions.flatMap(question => {
		const record = session.answers[question.key];
		if (!record) {
			return [];
		}

		return [
			{
				key: question.key,
				prompt: question.prompt,
				answer: record.value ?? null,
				by: record.by,
				...(record.evidence ? {evidence: record.evidence} : {}),
			},
		];
	});
	const outcome: Outcome = probe?.outcome ?? 'dns-failure';
	return {
		schemaVersion: 1,
		tool: {name: 'refused', version},
		target: {
			input: session.target.input,
			host: session.target.host,
			port: session.target.port,
			...(session.target.scheme ? {scheme: session.target.scheme} : {}),
		},
		...reportedOf(session.target, facts),
		probe: {
			outcome,
			address: probe?.address ?? '',
			ms: probe?.ms ?? 0,
			addresses: (probe?.addresses ?? []).map(
				({address, family, source, outcome, ms}) => ({
					address,
					family,
					source,
					outcome,
					ms,
				}),
			),
		},
		causes,
		steps,
		questions,
		exitCode: outcome === 'open' && causes.length === 0 ? 0 : 1,
	};
}
