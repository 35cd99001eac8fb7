import {Box, Text} from 'ink';
import type {Report} from '../../report/model.js';
import {explainCommand} from '../commands.js';
import {handshakeLines} from '../learn.js';
import type {LogEntry} from '../state.js';
import {statusColor, statusWords, symbolsOf, tint, useTheme} from '../theme.js';
import type {CheckNode, CheckResult} from '../../tree/types.js';

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
			<Text color={tint(theme, 'cyan')}>Why: {node.why}</Text>
			{does ? (
				<Text color={tint(theme, 'cyan')}>The command: {does}</Text>
			) : undefined}
			<Text color={tint(theme, 'cyan')}>Reading it: {node.read}</Text>
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
					<Text color={statusColor(theme, result.status)}>
						{symbols[result.status]}
					</Text>
				</Box>
				<Text>
					<Text bold={theme.color}>{node.title}</Text>
					<Text color={statusColor(theme, result.status)}>
						{' '}
						({statusWords[result.status]})
					</Text>
					: {result.detail}
				</Text>
			</Box>
			{result.command ? (
				<Box paddingLeft={2}>
					<Text dimColor={theme.color}>$ {result.command}</Text>
				</Box>
			) : undefined}
			{isLearning ? <Learn node={node} result={result} /> : undefined}
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
						<Text color={tint(theme, 'green')}>{symbols.ok}</Text>
					</Box>
					<Box flexDirection="column">
						<Text bold={theme.color}>
							{`Nothing is wrong: ${report.target.input} accepted the connection${where}.`}
						</Text>
						<Text>
							{`${checked} If a client still fails, compare its target with this one (name, port, IPv4 or IPv6).`}
						</Text>
					</Box>
				</Box>
			);
		}

		const unknown = report.steps.filter(step => step.status === 'unknown');
		return (
			<Box marginTop={1}>
				<Box flexShrink={0} width={2}>
					<Text color={tint(theme, 'yellow')}>{symbols.unknown}</Text>
				</Box>
				<Box flexDirection="column">
					<Text bold={theme.color}>
						{`No cause could be named from here (${report.probe.outcome}). ${checked}`}
					</Text>
					{unknown.length > 0 ? (
						<Text>Could not tell, with what to run by hand:</Text>
					) : undefined}
					{unknown.map(step => (
						<Text
							key={step.id}
						>{`${symbols.bullet} ${step.title}: ${step.detail}`}</Text>
					))}
				</Box>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" marginTop={1}>
			<Text color={tint(theme, 'red')}>
				{symbols.rule.repeat(3)} Cause ({first.confidence}){' '}
				{symbols.rule.repeat(3)}
			</Text>
			<Box>
				<Box flexShrink={0} width={2}>
					<Text color={tint(theme, 'red')}>{symbols.cause}</Text>
				</Box>
				<Text bold={theme.color}>{first.summary}</Text>
			</Box>
			<Box paddingLeft={2} flexDirection="column">
				<Text>
					<Text bold={theme.color}>What it means: </Text>
					{first.explanation || first.title}
				</Text>
				{first.evidence.length > 0 ? (
					<Text bold={theme.color}>Evidence (measured here):</Text>
				) : undefined}
				{first.evidence.map((line, index) => (
					<Text key={index} dimColor={theme.color}>
						{symbols.quote} {line}
					</Text>
				))}
				{others.length > 0 ? (
					<Text bold={theme.color}>Other possible causes:</Text>
				) : undefined}
				{others.map((cause, index) => (
					<Text key={cause.id}>
						{index + 2}. {cause.summary} ({cause.confidence})
					</Text>
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
					<Text bold={theme.color}>
						refused: why is {entry.target.input} refused?
					</Text>
					{entry.practice ? (
						<Text color={tint(theme, 'cyan')}>{entry.practice}</Text>
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
					<Text>
						<Text color={tint(theme, 'blue')}>{symbols.unknown} </Text>
						{entry.question.prompt} <Text bold={theme.color}>{label}</Text> (
						{answeredBy[entry.record.by] ?? entry.record.by})
					</Text>
					{entry.record.evidence ? (
						<Box paddingLeft={2}>
							<Text dimColor={theme.color}>
								Evidence: {entry.record.evidence}
							</Text>
						</Box>
					) : undefined}
				</Box>
			);
		}

		case 'handshake': {
			return (
				<Box flexDirection="column" paddingLeft={2}>
					<Text bold={theme.color} color={tint(theme, 'cyan')}>
						How the TCP handshake went:
					</Text>
					{handshakeLines(entry.probe, entry.port).map(line => (
						<Text key={line} color={tint(theme, 'cyan')}>
							{symbols.bullet} {line}
						</Text>
					))}
				</Box>
			);
		}

		case 'learn': {
			return (
				<Box flexDirection="column" marginY={1}>
					<Text bold={theme.color} color={tint(theme, 'cyan')}>
						Learn mode: the steps so far, explained
					</Text>
					{entry.steps.map(({node, result}) => (
						<Box key={node.id} flexDirection="column">
							<Text bold={theme.color}>{node.title}</Text>
							<Learn node={node} result={result} />
						</Box>
					))}
				</Box>
			);
		}

		case 'note': {
			return (
				<Box marginTop={1}>
					<Text color={tint(theme, 'magenta')}>{entry.text}</Text>
				</Box>
			);
		}

		case 'conclusion': {
			return <Conclusion report={entry.report} />;
		}
	}
}
