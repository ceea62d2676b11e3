/**
 * Evaluation of the detectors (npm run eval:detect): a seeded simulator of real-user and synthetic
 * traffic with injected regressions, driven minute by minute exactly as the server ticks (it asks
 * rumRanges / syntheticRange what to load, keeps the detector state as JSON, correlates and runs
 * the incident lifecycle). Prints the table of figures and, as its last line, one JSON object.
 *
 *   npx tsx scripts/eval-detect.ts [--seed 1] [--scale 1] [--weeks 12] [--workers 2] [--dump incidents.json]
 *     [--only rum_step_20@50,no_change_week] [--config '{"rum":{"segmentExcessZ":4}}']
 *
 * --config: a site's detectConfig (as PATCH /api/sites/:id takes it) to evaluate instead of the defaults.
 * --weeks: how many simulated weeks without any change measure the false-alarm rate (default 12,
 * under 5 minutes on 2 cores; 100 or more measure it at the resolution of the 1-per-100 target).
 *
 * Simulator (scripts/sim): LCP log-normal per user with factors per country, device, OS, browser,
 * connection and release; daily cycles of traffic, of speed and of the country mix (time zones);
 * a random mix and speed per day, a slow drift within the day, per-minute noise, heavy tails and
 * 1-3 minute backend blips; synthetic runs every 5 minutes from 3 locations with their own noise,
 * occasional slow runs and flaky failures; background deployments every day.
 *
 * Scoring (scripts/sim/score.ts): an incident opened before the injected onset, or in an instance
 * with nothing (or only a mix shift) injected, is false; the first incident after the onset is
 * the detection (time to detect = its opening minus the onset); labels are the incident's final
 * label; attribution and deployment are read at opening. Precision and recall count instances
 * with >= 400 beacons per 10-minute window (>= 40 per minute) and shifts of 10% or more, plus the
 * no-change and mix instances; 5% steps, the thin-traffic and 10-per-minute instances and failing
 * journeys are reported apart. False incidents per 100 series-weeks count every minute before an
 * onset and every no-change week.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DetectConfigInput, resolveConfig } from '@parallax/detect';
import { detectConfigProblem } from '@parallax/detect';
import { InstanceOutcome, runInstance } from './sim/run-instance';
import { buildInstances, DEFAULT_NO_CHANGE_WEEKS } from './sim/scenarios';
import { scoreInstance, summarize } from './sim/score';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const seed = arg('seed', 1);
  const scale = arg('scale', 1);
  const weeks = arg('weeks', DEFAULT_NO_CHANGE_WEEKS);
  if (!(Number.isInteger(weeks) && weeks >= 3) || !(scale > 0) || !Number.isInteger(seed)) {
    console.error('usage: eval-detect [--seed N] [--scale x>0] [--weeks N>=3] [--workers N] [--dump file.json] [--only scenario[@rate],...] [--config json]');
    process.exit(2);
  }
  const configAt = process.argv.indexOf('--config');
  let config: DetectConfigInput = {};
  if (configAt >= 0) {
    try {
      config = JSON.parse(process.argv[configAt + 1] ?? '') as DetectConfigInput;
    } catch {
      console.error('--config: not JSON (example: --config \'{"rum":{"segmentExcessZ":4}}\')');
      process.exit(2);
    }
    const problem = detectConfigProblem(config as Record<string, unknown>);
    if (problem) {
      console.error(`--config: ${problem}`);
      process.exit(2);
    }
  }
  const workers = Math.max(1, arg('workers', Math.min(2, os.cpus().length)));
  const started = Date.now();
  const instances = buildInstances(seed, scale, weeks);
  // --only name[@rate][,name...]: a subset for digging into one scenario (the figures then cover it alone).
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1].split(',') : null;
  const picked = (s: (typeof instances)[number]) => !only || only.some((o) => o === s.scenario || o === `${s.scenario}@${s.ratePerMin}` || o === `${s.scenario}@${s.ratePerMin}/min`);
  if (only && !instances.some(picked)) {
    console.error(`--only ${only.join(',')}: no such scenario (${[...new Set(instances.map((s) => `${s.scenario}@${s.ratePerMin}`))].join(', ')})`);
    process.exit(2);
  }
  // Longest instances first so the workers finish together.
  const order = instances.filter(picked).map((s) => s.index).sort((a, b) => instances[b].endMs - instances[b].startMs - (instances[a].endMs - instances[a].startMs) || a - b);
  const outcomes = new Array<InstanceOutcome>(instances.length);
  // Progress on stderr (the figures on stdout stay clean): a line every tenth of the instances.
  let done = 0;
  const progress = () => {
    done++;
    if (done === order.length || done % Math.max(1, Math.ceil(order.length / 10)) === 0) {
      process.stderr.write(`[eval:detect] ${done}/${order.length} instances, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  };
  if (workers === 1) {
    const cfg = resolveConfig(config);
    for (const i of order) {
      outcomes[i] = runInstance(instances[i], cfg);
      progress();
    }
  } else {
    // A shared queue: each worker asks for the next instance when it is done with one, so the
    // workers finish together whatever the instances cost (a fixed split left one idle for tens of seconds).
    const queue = [...order];
    await Promise.all(
      Array.from(
        { length: Math.min(workers, queue.length) },
        () =>
          new Promise<void>((resolve, reject) => {
            // Workers do not inherit tsx's loader: register its require hook first.
            const entry = JSON.stringify(path.join(__dirname, 'sim', 'worker.ts'));
            const w = new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true, workerData: { seed, scale, weeks, config } });
            const next = () => w.postMessage(queue.length ? queue.shift()! : -1);
            w.on('message', (o: InstanceOutcome) => {
              outcomes[o.index] = o;
              progress();
              next();
            });
            w.on('online', next);
            w.on('error', reject);
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
          }),
      ),
    );
  }
  const scores = instances.filter(picked).map((spec) => scoreInstance(spec, outcomes[spec.index]));
  const dump = process.argv.indexOf('--dump');
  if (dump >= 0) {
    // Every incident with its instance, for digging into misses and false alarms.
    const rows = scores.map((s) => ({ index: s.spec.index, scenario: s.spec.scenario, rate: s.spec.ratePerMin, history: s.spec.historyDays, onsetMs: s.spec.onsetMs, expected: s.spec.expected, ttdMin: s.ttdMin, incidents: s.outcome.incidents, falseIncidents: s.falseIncidents.length }));
    writeFileSync(process.argv[dump + 1], JSON.stringify(rows, null, 1));
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${workers} worker(s), seed ${seed}, ${weeks} no-change weeks${configAt >= 0 ? `, config ${JSON.stringify(config)}` : ''}`;
  const { lines, json } = summarize(scores, (Date.now() - started) / 1000, machine);
  for (const line of lines) console.log(line);
  console.log(JSON.stringify(json));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
