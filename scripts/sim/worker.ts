import { parentPort, workerData } from 'node:worker_threads';
import { resolveConfig } from '@parallax/detect';
import { runInstance } from './run-instance';
import { buildInstances } from './scenarios';

/** Runs the instances given by index and posts each outcome back (worker_threads entry). */
const { seed, scale, weeks, indices } = workerData as { seed: number; scale: number; weeks: number; indices: number[] };
const cfg = resolveConfig();
const instances = buildInstances(seed, scale, weeks);
for (const i of indices) parentPort!.postMessage(runInstance(instances[i], cfg));
