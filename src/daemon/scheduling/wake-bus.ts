// WakeBus: one place that wakes every registered loop (a file save, a recall request, a client
// connecting). Targets register while running and unregister on stop, so a restart cannot leave
// a stale loop behind or wake one twice.
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import { errorMessage } from '../../shared/error-message';

export interface WakeTarget {
  readonly name: string;
  wake(reason: string): void;
}

export class WakeBus implements Disposable {
  private readonly targets = new Set<WakeTarget>();
  private readonly wakeEmitter = new Emitter<string>();
  private count = 0;
  /** Fires the reason of every wakeAll. */
  readonly onDidWake: Event<string> = this.wakeEmitter.event;

  constructor(private readonly log?: Logger) {}

  /** Registers a target (a set: twice is once). Returns the function that unregisters it. */
  register(target: WakeTarget): () => void {
    this.targets.add(target);
    return () => {
      this.targets.delete(target);
    };
  }

  get size(): number {
    return this.targets.size;
  }

  /** Number of wakeAll calls, for the status counters. */
  get wakes(): number {
    return this.count;
  }

  /**
   * Wakes every target (or, with `only`, the targets of those names); returns the names woken.
   * One target throwing does not stop the rest.
   */
  wakeAll(reason: string, only?: ReadonlySet<string>): string[] {
    this.count++;
    const woken: string[] = [];
    for (const target of [...this.targets]) {
      if (only && !only.has(target.name)) continue;
      try {
        target.wake(reason);
        woken.push(target.name);
      } catch (error) {
        const message = `wake ${target.name} (${reason}) failed: ${errorMessage(error)}`;
        if (this.log) this.log.error(message);
        else console.error(message);
      }
    }
    this.wakeEmitter.fire(reason);
    return woken;
  }

  dispose(): void {
    this.targets.clear();
    this.wakeEmitter.dispose();
  }
}
