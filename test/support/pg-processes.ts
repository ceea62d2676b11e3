import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The postmaster of a cluster (first line of postmaster.pid) and its children (from /proc), for SIGSTOP/SIGCONT. */
export function clusterPids(clusterDir: string): number[] {
  const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start after the last ')': state, ppid, ...
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return [postmaster, ...children];
}

/** Sends `signal` to every process of the cluster; returns the pids signalled. */
export function signalCluster(clusterDir: string, signal: NodeJS.Signals): number[] {
  const pids = clusterPids(clusterDir);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
  return pids;
}
