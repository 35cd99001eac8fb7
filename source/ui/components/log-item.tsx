import {Box, Text} from 'ink';
import type {Report} from '../../report/model.js';
import {explainCommand} from '../commands.js';
import {handshakeLines} from '../learn.js';
import type {LogEntry} from '../state.js';
import {statusColor, statusWords, symbolsOf, tint, useTheme} from '../theme.js';
import type {CheckNode, CheckResult} from '../../tree/types.js';
import {Prose} from './prose.js';

const answeredBy: Readonly<Record<string, string>> = {
	flag: 'given with --answer',
	user: 'your answer',
	auto: 'found by the tool',
	unanswered: 'not answered',
};

function Learn({
	node,
	result,
}: {
	readonly node: CheckNode;
	readonly result: CheckResult;
}) {
	const theme = useTheme();
	const does = explainCommand(result.command);
	return (
		<Box flexDirection="column" paddingLeft={2}>
			<Prose color={tint(theme, 'cyan')}>Why: {node.why}</Prose>
			{does ? (
				<Prose color={tint(theme, 'cyan')}>The command: {does}</Prose>
			) : undefined}
			<Prose color={tint(theme, 'cyan')}>Reading it: {node.read}</Prose>
		</Box>
	);
}

/** A finished step: its mark, title and one-line result, the command it ran. */
export function StepLine({
	node,
	result,
	isLearning,
}: {
	readonly node: CheckNode;
	readonly result: CheckResult;
	readonly isLearning: boolean;
}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	return (
		<Box flexDirection="column">
			<Box>
				<Box flexShrink={0} width={2}>
					<Prose color={statusColor(theme, result.status)}>
						{symbols[result.status]}
					</Prose>
				</Box>
				<Prose>
					<Text bold={theme.color}>{node.title}</Text>
					<Text color={statusColor(theme, result.status)}>
						{' '}
						({statusWords[result.status]})
					</Text>
					: {result.detail}
				</Prose>
			</Box>
			{result.command ? (
				<Box paddingLeft={2}>
					<Prose dimColor={theme.color}>$ {result.command}</Prose>
				</Box>
			) : undefined}
			{isLearning && result.status !== 'skipped' ? (
				<Learn node={node} result={result} />
			) : undefined}
		</Box>
	);
}

function Conclusion({report}: {readonly report: Report}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	const [first, ...others] = report.causes;
	if (!first) {
		const counts = (['passed', 'problem', 'unknown', 'skipped'] as const)
			.map(
				status =>
					[
						status,
						report.steps.filter(step => step.status === status).length,
					] as const,
			)
			.filter(([, count]) => count > 0)
			.map(([status, count]) => `${count} ${statusWords[status]}`)
			.join(', ');
		const checked = `Checked ${report.steps.length} step${report.steps.length === 1 ? '' : 's'} (${counts}).`;
		if (report.probe.outcome === 'open') {
			const where = report.probe.address
				? ` (${report.probe.address}, ${report.probe.ms} ms)`
				: '';
			return (
				<Box marginTop={1}>
					<Box flexShrink={0} width={2}>
						<Prose color={tint(theme, 'green')}>{symbols.ok}</Prose>
					</Box>
					<Box flexDirection="column">
						<Prose bold={theme.color}>
							{`Nothing is wrong: ${report.target.input} accepted the connection${where}.`}
						</Prose>
						<Prose>
							{`${checked} If a client still fails, compare its target with this one (name, port, IPv4 or IPv6).`}
						</Prose>
					</Box>
				</Box>
			);
		}

		const unknown = report.steps.filter(step => step.status === 'unknown');
		return (
			<Box marginTop={1}>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'yellow')}>{symbols.unknown}</Prose>
				</Box>
				<Box flexDirection="column">
					<Prose bold={theme.color}>
						{`No cause could be named from here (${report.probe.outcome}). ${checked}`}
					</Prose>
					{unknown.length > 0 ? (
						<Prose>Could not tell, with what to run by hand:</Prose>
					) : undefined}
					{unknown.map(step => (
						<Prose
							key={step.id}
						>{`${symbols.bullet} ${step.title}: ${step.detail}`}</Prose>
					))}
				</Box>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" marginTop={1}>
			<Prose color={tint(theme, 'red')}>
				{symbols.rule.repeat(3)} Cause ({first.confidence}){' '}
				{symbols.rule.repeat(3)}
			</Prose>
			<Box>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'red')}>{symbols.cause}</Prose>
				</Box>
				<Prose bold={theme.color}>{first.summary}</Prose>
			</Box>
			<Box paddingLeft={2} flexDirection="column">
				<Prose>
					<Text bold={theme.color}>What it means: </Text>
					{first.explanation || first.title}
				</Prose>
				{first.evidence.length > 0 ? (
					<Prose bold={theme.color}>Evidence (measured here):</Prose>
				) : undefined}
				{first.evidence.map((line, index) => (
					<Prose key={index} dimColor={theme.color}>
						{symbols.quote} {line}
					</Prose>
				))}
				{others.length > 0 ? (
					<Prose bold={theme.color}>Other possible causes:</Prose>
				) : undefined}
				{others.map((cause, index) => (
					<Prose key={cause.id}>
						{index + 2}. {cause.summary} ({cause.confidence})
					</Prose>
				))}
			</Box>
		</Box>
	);
}

/** One entry of the log that stays in the scrollback (Ink's <Static>). */
export function LogItem({entry}: {readonly entry: LogEntry}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	switch (entry.kind) {
		case 'intro': {
			return (
				<Box flexDirection="column" marginBottom={1}>
					<Prose bold={theme.color}>
						refused: why is {entry.target.input} refused?
					</Prose>
					{entry.practice ? (
						<Prose color={tint(theme, 'cyan')}>{entry.practice}</Prose>
					) : undefined}
				</Box>
			);
		}

		case 'step': {
			return (
				<StepLine
					node={entry.node}
					result={entry.result}
					isLearning={entry.learn}
				/>
			);
		}

		case 'answer': {
			const label =
				entry.question.choices.find(
					choice => choice.value === entry.record.value,
				)?.label ??
				entry.record.value ??
				'(none)';
			return (
				<Box flexDirection="column">
					<Prose>
						<Text color={tint(theme, 'blue')}>{symbols.unknown} </Text>
						{entry.question.prompt} <Text bold={theme.color}>{label}</Text> (
						{answeredBy[entry.record.by] ?? entry.record.by})
					</Prose>
					{entry.record.evidence ? (
						<Box paddingLeft={2}>
							<Prose dimColor={theme.color}>
								Evidence: {entry.record.evidence}
							</Prose>
						</Box>
					) : undefined}
				</Box>
			);
		}

		case 'handshake': {
			return (
				<Box flexDirection="column" paddingLeft={2}>
					<Prose bold={theme.color} color={tint(theme, 'cyan')}>
						How the TCP handshake went:
					</Prose>
					{handshakeLines(entry.probe, entry.port).map(line => (
						<Prose key={line} color={tint(theme, 'cyan')}>
							{symbols.bullet} {line}
						</Prose>
					))}
				</Box>
			);
		}

		case 'learn': {
			return (
				<Box flexDirection="column" marginY={1}>
					<Prose bold={theme.color} color={tint(theme, 'cyan')}>
						Learn mode: the steps so far, explained
					</Prose>
					{entry.steps.map(({node, result}) => (
						<Box key={node.id} flexDirection="column">
							<Prose bold={theme.color}>{node.title}</Prose>
							<Learn node={node} result={result} />
						</Box>
					))}
				</Box>
			);
		}

		case 'note': {
			return (
				<Box marginTop={1}>
					<Prose color={tint(theme, 'magenta')}>{entry.text}</Prose>
				</Box>
			);
		}

		case 'conclusion': {
			return <Conclusion report={entry.report} />;
		}
	}
}
