import {describe, expect, test} from 'vitest';
import {catalogue} from '../../source/labs/catalogue.js';
import {causeRegistry} from '../../source/tree/causes.js';

describe('the catalogue', () => {
	test('at least 12 labs with unique ids: seven without root, six with', () => {
		expect(catalogue.length).toBeGreaterThanOrEqual(12);
		expect(new Set(catalogue.map(lab => lab.id)).size).toBe(catalogue.length);
		expect(catalogue.filter(lab => !lab.root)).toHaveLength(7);
		expect(catalogue.filter(lab => lab.root)).toHaveLength(6);
	});

	test("each lab's cause is a registry id (accept-queue-full: pending issue 12's new cause)", () => {
		for (const lab of catalogue) {
			if (lab.cause !== 'accept-queue-full') {
				expect(Object.keys(causeRegistry), lab.id).toContain(lab.cause);
			}
		}
	});

	test('both modes are offered, and every lab says what it teaches', () => {
		expect(new Set(catalogue.map(lab => lab.mode))).toEqual(
			new Set(['guided', 'hands-on']),
		);
		for (const lab of catalogue) {
			expect(lab.lesson.length, lab.id).toBeGreaterThan(20);
		}
	});
});
