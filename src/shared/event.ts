// Typed events in the style of VS Code's Emitter: `event` is what listeners subscribe to,
// `fire` is private to the owner. Tests await events with `waitFor` instead of sleeping.
import { type Disposable, toDisposable } from './lifecycle';

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {});
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A faulty listener must not break the owner's state machine.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Resolves with the first value of `event` that satisfies `predicate`. */
export function waitFor<T>(event: Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((value) => {
      if (predicate(value)) {
        sub.dispose();
        resolve(value);
      }
    });
  });
}
