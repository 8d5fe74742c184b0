// Collapses concurrent computations of the same key into one. Callers that arrive while a
// computation for their key is in flight (followers) share its result. If that computation
// fails, only its own caller sees the error: exactly one follower takes over by running its own
// fn, and the remaining followers share the takeover's outcome (recursively, if it fails too).
// Completed keys are forgotten at once: this is not a cache.
interface Flight<V> {
  promise: Promise<V>;
}

export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Flight<V>>();

  /** Keys with a computation in flight. */
  get size(): number {
    return this.flights.size;
  }

  run(key: K, fn: () => Promise<V>): Promise<V> {
    const current = this.flights.get(key);
    return current ? this.follow(key, current, fn) : this.lead(key, fn);
  }

  private lead(key: K, fn: () => Promise<V>): Promise<V> {
    // async wrapper: a synchronous throw in fn becomes a rejection like any other failure.
    const promise = (async () => fn())();
    const flight: Flight<V> = { promise };
    this.flights.set(key, flight);
    // Registered before any follower awaits, so on settle the map is cleared first; then the
    // followers' continuations run in arrival order and the first one finds the key free.
    const clear = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(clear, clear);
    return promise;
  }

  private async follow(key: K, flight: Flight<V>, fn: () => Promise<V>): Promise<V> {
    try {
      return await flight.promise;
    } catch {
      const next = this.flights.get(key);
      return next ? this.follow(key, next, fn) : this.lead(key, fn);
    }
  }
}
