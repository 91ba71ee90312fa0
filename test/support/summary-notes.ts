import { appendFileSync } from 'node:fs';

/**
 * Says something the run's closing summary must show (a suite skipped, the browser a suite drove): `npm test`
 * (scripts/run-tests.mjs) names a file in `TEST_SUMMARY_NOTES` and lists every line written there after the stages.
 * Printed as well, for a suite run on its own.
 */
export function noteInSummary(line: string): void {
  process.stderr.write(`${line}\n`);
  const file = process.env.TEST_SUMMARY_NOTES;
  if (file) appendFileSync(file, `${line.replace(/\s*\n\s*/g, ' ')}\n`);
}
