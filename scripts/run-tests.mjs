// `npm test`: every stage runs, whatever the one before it did, then a summary lists each stage with its wall time and
// its test counts, with every note a suite left for it (a skipped suite, the browser it drove), and the run fails if
// any stage failed. Only the e2e stage waits for another (the build it runs against).
//
//   node scripts/run-tests.mjs                   every stage
//   node scripts/run-tests.mjs --only unit,consumer   some of them (CI runs these on Node 22 and 24 as well)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'nje-test-run-'));
const notesFile = join(work, 'notes.txt');

/** Reads jest's `--json` report: its counts, or nothing when it wrote none (a crash before the first suite). */
function jestCounts(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
      skipped: report.numPendingTests + report.numTodoTests,
    };
  } catch {
    return undefined;
  }
}

/** Reads the node test runner's TAP report: the totals it closes with. */
function tapCounts(file) {
  try {
    const tap = readFileSync(file, 'utf8');
    const total = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
    return {
      passed: total('pass'),
      failed: total('fail') + total('cancelled'),
      skipped: total('skipped') + total('todo'),
    };
  } catch {
    return undefined;
  }
}

const jest = (config, name) => ({
  command: [
    process.execPath,
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--config',
    config,
    '--json',
    `--outputFile=${join(work, `${name}.json`)}`,
  ],
  counts: () => jestCounts(join(work, `${name}.json`)),
});

/** The stages, in order. */
const STAGES = [
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'doc-blocks', command: [process.execPath, 'scripts/check-doc-blocks.mjs'] },
  { name: 'unit', ...jest('jest.config.js', 'unit') },
  { name: 'build', command: ['npm', 'run', '--silent', 'build'] },
  { name: 'e2e', needs: 'build', ...jest('test/jest-e2e.config.js', 'e2e') },
  {
    name: 'consumer',
    command: [
      process.execPath,
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${join(work, 'consumer.tap')}`,
      'test/consumer/consumer.test.mjs',
    ],
    counts: () => tapCounts(join(work, 'consumer.tap')),
  },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const wanted = values.only?.split(',').map((name) => name.trim());
const unknown = wanted?.filter((name) => !STAGES.some((stage) => stage.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`run-tests: no stage named ${unknown.join(', ')}; the stages: ${STAGES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const stages = STAGES.filter((stage) => wanted === undefined || wanted.includes(stage.name));

/** Runs one command with the terminal as its output; resolves with its exit code (a signal counts as failure). */
function run([command, ...args]) {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TEST_SUMMARY_NOTES: notesFile },
    });
    child.on('error', (error) => {
      console.error(`run-tests: ${command} could not start: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

const results = [];
const started = performance.now();
for (const stage of stages) {
  const blocker = results.find((result) => result.name === stage.needs && result.status !== 'passed');
  if (blocker) {
    results.push({ name: stage.name, status: 'not run', why: `${blocker.name} failed`, seconds: 0 });
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.command.join(' ').replace(process.execPath, 'node')}\n`);
  const stageStarted = performance.now();
  const code = await run(stage.command);
  results.push({
    name: stage.name,
    status: code === 0 ? 'passed' : 'FAILED',
    seconds: (performance.now() - stageStarted) / 1000,
    counts: stage.counts?.(),
  });
}

let notes = [];
try {
  // Suites append a line each time they note something; the same note from several suites is shown once, counted.
  const lines = readFileSync(notesFile, 'utf8').split('\n').filter(Boolean);
  notes = [...new Set(lines)].map((line) => {
    const times = lines.filter((other) => other === line).length;
    return times > 1 ? `${line} (${times} times)` : line;
  });
} catch {
  // No suite left a note.
}
rmSync(work, { recursive: true, force: true });

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n=== summary\n');
for (const { name, status, seconds, counts, why } of results) {
  let detail = why ?? '';
  if (counts) {
    detail = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  // A stage that failed without a failed test (lint, a build, a crash before any test) counts as one failure.
  if (status !== 'passed' && !(counts?.failed > 0)) total.failed += 1;
  console.log(`  ${name.padEnd(11)} ${status.padEnd(8)} ${seconds.toFixed(1).padStart(6)} s  ${detail}`);
}
console.log(`  ${'all'.padEnd(11)} ${''.padEnd(8)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
if (notes.length > 0) {
  console.log('\nnotes from the suites:');
  for (const note of notes) console.log(`  ! ${note}`);
}
const failedStages = results.filter((result) => result.status !== 'passed').map((result) => result.name);
if (failedStages.length > 0) console.log(`\nfailed: ${failedStages.join(', ')}`);
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedStages.length > 0 ? 1 : 0);
