// Test-only hooks behind DORMOUSE_TEST_HOOKS=1: they let end-to-end tests force states that real
// settings cannot, such as a wedged (stale) poll loop. The poll loop knows nothing of them: the
// composition root wraps each worker loop's tick function with wrapTick().
//
// wedge-loop arms a gate for that loop's NEXT tick and wakes the loop so the tick starts soon; the
// tick then waits on the gate (in flight, so after staleThresholdMs the loop reads as stale) until
// release-loop, or until dispose() at daemon stop, so a stop never hangs on a wedged tick.
import { Emitter, type Event } from '../shared/event';
import type { Disposable } from '../shared/lifecycle';
import type { Logger } from '../shared/logger';
import { type DebugParams, type DebugResult, type JobKind, RpcError } from '../shared/protocol';

/** The environment variable that enables the hooks; read once, when the daemon starts. */
export const TEST_HOOKS_ENV = 'DORMOUSE_TEST_HOOKS';

// A plain literal, not a template over TEST_HOOKS_ENV: esbuild keeps an unused template (it may
// call toString), and production bundles must not carry this text (test/integration/package.test.ts).
export const TEST_HOOKS_DISABLED_MESSAGE = 'debug hooks are disabled; start the daemon with DORMOUSE_TEST_HOOKS=1';

export function testHooksRequested(env: NodeJS.ProcessEnv): boolean {
  return env[TEST_HOOKS_ENV] === '1';
}

export interface DebugHooksOptions {
  log: Logger;
}

interface Wedge {
  /** armed: waiting for the loop's next tick; holding: that tick is blocked on the gate now. */
  state: 'armed' | 'holding';
  gate: Promise<void>;
  open: () => void;
}

export class DebugHooks implements Disposable {
  private readonly wedges = new Map<JobKind, Wedge>();
  private disposed = false;
  private readonly armed = new Emitter<JobKind>();
  /** A wedge was asked for this loop: the owner wakes it, so the wedge is met by a tick at once. */
  readonly onDidArm: Event<JobKind> = this.armed.event;

  constructor(private readonly opts: DebugHooksOptions) {}

  /** The tick the loop runs: the real one, after waiting on a wedge armed for this loop, if any. */
  wrapTick<T>(loop: JobKind, tick: () => Promise<T>): () => Promise<T> {
    return async () => {
      const wedge = this.wedges.get(loop);
      if (wedge?.state === 'armed') {
        wedge.state = 'holding';
        this.opts.log.warn(`${loop}: tick wedged by a test hook until release-loop`);
        await wedge.gate;
      }
      return tick();
    };
  }

  handle(params: DebugParams): DebugResult {
    if (this.disposed) throw new RpcError('SHUTTING_DOWN', 'the daemon is stopping; debug hooks are released');
    switch (params.action) {
      case 'wedge-loop':
        this.wedge(params.loop);
        return { loop: params.loop, wedged: true };
      case 'release-loop':
        this.release(params.loop);
        return { loop: params.loop, wedged: false };
    }
  }

  /** Opens every gate and refuses further wedges: called first thing at daemon stop. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const loop of [...this.wedges.keys()]) this.release(loop);
  }

  private wedge(loop: JobKind): void {
    // Wedging twice is once: the gate already armed (or holding) stays the one to release.
    if (!this.wedges.has(loop)) {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      this.wedges.set(loop, { state: 'armed', gate, open });
      this.opts.log.warn(`${loop}: wedge armed by a test hook for the next tick`);
    }
    this.armed.fire(loop);
  }

  private release(loop: JobKind): void {
    const wedge = this.wedges.get(loop);
    if (!wedge) return;
    this.wedges.delete(loop);
    wedge.open();
    this.opts.log.warn(`${loop}: wedge released (${wedge.state === 'holding' ? 'the held tick continues' : 'no tick had reached it'})`);
  }
}
