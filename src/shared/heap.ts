import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * For a long-running process whose live heap is small and whose work waits on I/O — the collector worker
 * keeps about 30 MB and spends its time waiting for its rate limit: favour memory over speed from now on.
 * - V8's `--optimize-for-size`, read by the garbage collector at run time, grows the heap conservatively.
 *   Without it V8 lets the old generation of a fresh process fill with some 100 MB, mostly garbage, before
 *   its first mark-compact, and keeps generous limits afterwards.
 * - One full collection now drops the start-up garbage, so the limits start from what the process keeps.
 * Measured by bench/worker.bench.ts (bench/RESULTS.md «Collection»): over a 5,000-channel cycle a worker's
 * median resident memory fell from 169 to 135 MB and its peak from 235 to under 190 MB (start-up's module
 * loading), at no measurable CPU cost.
 * `--expose-gc` set at run time gives `gc` to new contexts only: nothing is added to the process's globals.
 */
export function favourMemoryOverSpeed(): void {
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}
