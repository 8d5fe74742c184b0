// Runs an async task one at a time. A request while it runs is not a second concurrent run: it
// makes the task run once more right after (any number of requests meanwhile coalesce into that
// one rerun), so work asked for during a run is never missed. Every caller's promise settles when
// no rerun is pending. The task handles its own errors; a rejection ends the runs and rejects.
export class CoalescingRunner {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.task();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
