// The daemon's counters (status `counters`), kept in memory. sqlStatements and timersArmed are
// read live from the database wrapper and the clock when a status is built.
export class DaemonCounters {
  jobsCompleted = 0;
  jobsFailed = 0;
  capturesStored = 0;
  capturesSkipped = 0;
  /** Memories removed by `forget` and added by `import`: with capturesStored, a UI knows its lists are out of date. */
  memoriesForgotten = 0;
  memoriesImported = 0;
  readonly skipsByReason: Record<string, number> = {};

  skipped(reason: string): void {
    this.capturesSkipped++;
    this.skipsByReason[reason] = (this.skipsByReason[reason] ?? 0) + 1;
  }
}
