import { parentPort, workerData } from 'node:worker_threads';
import { DetectConfigInput, resolveConfig } from '@parallax/detect';
import { runInstance } from './run-instance';
import { buildInstances } from './scenarios';

/** Runs the instance whose index it is sent, posts its outcome back, and stops on -1 (worker_threads entry). */
const { seed, scale, weeks, config } = workerData as { seed: number; scale: number; weeks: number; config: DetectConfigInput };
const cfg = resolveConfig(config);
const instances = buildInstances(seed, scale, weeks);
parentPort!.on('message', (i: number) => {
  if (i < 0) parentPort!.close();
  else parentPort!.postMessage(runInstance(instances[i], cfg));
});
