import {causeRegistry, isCauseId, type CauseEntry} from '../tree/causes.js';
import type {ProbeFacts} from '../tree/facts.js';
import {
	confidences,
	type Confidence,
	type Finding,
	type Outcome,
} from '../tree/types.js';
import {factsOf, type Session} from './session.js';

/** The base rate, or just ahead of the most common cause it refines (it says why that one holds). */
function baseRank(id: string): number {
	if (!isCauseId(id)) {
		return Number.MAX_SAFE_INTEGER;
	}

	const entry: CauseEntry = causeRegistry[id];
	return Math.min(
		entry.rank,
		...(entry.refines ?? []).map(refined => baseRank(refined) - 0.5),
	);
}

const level = (confidence: Confidence) => confidences.indexOf(confidence);

/** Every outcome the probe saw: the verdict and each address's own. */
function probeOutcomes(probe: ProbeFacts | undefined): Set<Outcome> {
	if (!probe) {
		return new Set();
	}

	return new Set([probe.outcome, ...probe.addresses.map(a => a.outcome)]);
}

/**
Does the cause's story fit what the probe measured? Unknown (no probe yet, or no registry entry)
counts as fitting: only a measured contradiction demotes a cause.
*/
export function fitsProbe(id: string, outcomes: ReadonlySet<Outcome>): boolean {
	if (outcomes.size === 0 || !isCauseId(id)) {
		return true;
	}

	const fits: readonly Outcome[] = causeRegistry[id].fits;
	return fits.some(outcome => outcomes.has(outcome));
}

type Ranked = {
	finding: Finding;
	/** The base rate, raised to keep the order of the check that returned it (see below). */
	order: number;
	/** Tree order of the first check that found it, then its place in that check's list. */
	check: number;
	place: number;
};

/** Merge two findings of the same cause: the more confident leads, evidence and fixes joined. */
function merge(previous: Finding, finding: Finding): Finding {
	const [first, second] =
		level(finding.confidence) <= level(previous.confidence)
			? [finding, previous]
			: [previous, finding];
	return {
		...first,
		evidence: [...new Set([...first.evidence, ...second.evidence])],
		fixes: [
			...first.fixes,
			...second.fixes.filter(
				fix => !first.fixes.some(f => f.command === fix.command),
			),
		],
	};
}

/**
The causes found so far, one per id (the most confident finding wins, and between equals the later
check's, which looked closer at the service; evidence and fixes merged).

Order: causes whose story fits the probe outcome first (a contradicting one is also lowered to
"possible"); then by confidence; between equal confidences, the order the concluding check gave
(a check lists what it judged most likely first), then the registry's base rate (most common
first; a cause that refines another, like service-failed for no-listener, just ahead of it). Within one check, a finding's order key is never below that of the same-confidence
finding the check listed before it, so the check's own judgement is kept.
*/
export function rankFindings(session: Session): Finding[] {
	const outcomes = probeOutcomes(factsOf(session).probe);
	const byId = new Map<string, Ranked>();
	for (const [check, node] of session.tree.checks.entries()) {
		const findings = session.steps[node.id]?.result?.findings ?? [];
		const floor = new Map<Confidence, number>();
		for (const [place, raw] of findings.entries()) {
			const finding = fitsProbe(raw.id, outcomes)
				? raw
				: {...raw, confidence: 'possible' as const};
			const order = Math.max(
				baseRank(finding.id),
				floor.get(finding.confidence) ?? 0,
			);
			floor.set(finding.confidence, order);
			const previous = byId.get(finding.id);
			byId.set(
				finding.id,
				previous
					? {...previous, finding: merge(previous.finding, finding)}
					: {finding, order, check, place},
			);
		}
	}

	const fit = (ranked: Ranked) =>
		fitsProbe(ranked.finding.id, outcomes) ? 0 : 1;
	return [...byId.values()]
		.toSorted(
			(a, b) =>
				fit(a) - fit(b) ||
				level(a.finding.confidence) - level(b.finding.confidence) ||
				a.order - b.order ||
				a.check - b.check ||
				a.place - b.place,
		)
		.map(ranked => ranked.finding);
}
