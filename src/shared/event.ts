// Typed events in the style of VS Code's Emitter: `event` is what listeners subscribe to,
// `fire` is private to the owner. Tests await events with `waitFor` instead of sleeping.
import { type Disposable, toDisposable } from './lifecycle';

export type Event<T> = (listener: (value: T) => void) => Disposable;

export type ListenerErrorHandler = (error: unknown) => void;

const defaultListenerErrorHandler: ListenerErrorHandler = (error) => {
  console.error('event listener failed:', error);
};

let listenerErrorHandler: ListenerErrorHandler = defaultListenerErrorHandler;

/**
 * Where a listener's error goes (default: console.error); the daemon points it at its log.
 * Returns the previous handler, so a caller (or a test) can put it back.
 */
export function setListenerErrorHandler(fn: ListenerErrorHandler): ListenerErrorHandler {
  const previous = listenerErrorHandler;
  listenerErrorHandler = fn;
  return previous;
}

function reportListenerError(error: unknown): void {
  try {
    listenerErrorHandler(error);
  } catch (handlerError) {
    // The handler itself failed: still never throw into the owner or crash the process.
    try {
      console.error('event listener failed:', error, '(and the listener error handler failed:', handlerError, ')');
    } catch {
      // Nowhere left to report it.
    }
  }
}

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
        // A faulty listener must not break the owner's state machine, nor the other listeners,
        // nor crash the process: it is reported, never rethrown.
        reportListenerError(error);
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
