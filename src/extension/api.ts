// What activate() returns: a small API for the end-to-end tests (and other extensions) to
// observe the extension without scraping the UI. Events are the typed ones of src/shared/event.ts,
// so tests await them instead of sleeping.
import type { Event } from '../shared/event';
import type { DaemonStatus } from '../shared/status';
import type { StatusPresentation } from './core/status-presentation';
import type { SupervisorState } from './core/supervisor-state';

export interface TreeSnapshotNode {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  /** Memory rows: the memory's id. */
  memoryId?: number;
  /** Memory rows of another machine's memory (a shared store's hit): that machine's id. */
  memoryMachineId?: string;
  children?: TreeSnapshotNode[];
}

export interface DormouseApi {
  /** How long activate() took on the extension host thread (ms). */
  readonly activationMs: number;
  readonly dataDir: string;
  supervisorState(): SupervisorState;
  readonly onDidChangeSupervisorState: Event<SupervisorState>;
  /** The last status the daemon reported (events and watchdog probes), null when none. */
  status(): DaemonStatus | null;
  readonly onDidChangeStatus: Event<DaemonStatus | null>;
  /** What the status bar item draws right now. */
  presentation(): StatusPresentation;
  readonly onDidChangePresentation: Event<StatusPresentation>;
  /** The tree view's rows, expanded. */
  treeSnapshot(): Promise<TreeSnapshotNode[]>;
  /** Fired when the tree's rows may have changed (status, recall results, supervisor state). */
  readonly onDidChangeTree: Event<void>;
  /** The Timeline view's rows, expanded. */
  timelineSnapshot(): Promise<TreeSnapshotNode[]>;
  /** Fired when the Timeline's rows may have changed (a fetch started or ended). */
  readonly onDidChangeTimeline: Event<void>;
  /** The capture pause this window enforces now (an expired one reads as not paused). */
  capturePause(): { paused: boolean; until: number | null };
  /** Captures waiting in the fail-open buffer. */
  outboxStats(): { memory: number; spilled: number; dropped: number };
  /** Fired after each enqueue batch the daemon acknowledged. */
  readonly onDidFlushCaptures: Event<{ count: number }>;
  /** The daemon pid this window is connected to, or null. */
  daemonPid(): number | null;
  /** Agent access: the language model tools registered, and whether VS Code accepted the MCP server definition provider. */
  readonly agents?: { readonly tools: readonly string[]; readonly mcpProvider: boolean };
}

/**
 * What test builds (DORMOUSE_TEST_SURFACE: `node esbuild.mjs`, which the e2e suite runs) add to the
 * API: a raw daemon request, for status and the env-gated debug hooks. Production bundles
 * (`npm run package`) leave it out, so no other extension can send the daemon arbitrary requests.
 */
export interface DormouseTestApi extends DormouseApi {
  request(method: string, params: unknown): Promise<unknown>;
}
