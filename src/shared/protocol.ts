// The IPC protocol between the daemon and its clients (CLI, extension): method names, their
// params (validated on the server) and results. No I/O here.
//
// Wire: node-ipc messages of three types.
//   client -> daemon  'request'  { id, method, params }
//   daemon -> client  'response' { id, ok: true, result } | { id, ok: false, error }
//   daemon -> client  'event'    { event, data }   (only after `subscribe`)
// The first request of every connection must be `hello` with the token from the data dir;
// anything else first, or a wrong token, drops the connection.
import type { MatchInfo } from './recall-query';
import type { CapturePause, DaemonStatus } from './status';
import type { SettingChange, SettingRejection } from './settings';
import {
  type Check,
  arrayOf,
  bool,
  int,
  nullable,
  object,
  oneOf,
  optional,
  record,
  str,
  union,
  ValidationError,
} from './validate';

export const PROTOCOL_VERSION = 1;

const MAX_PATH = 4096;
const MAX_TEXT = 16 * 1024 * 1024;
/** machine-id.ts makes ids of at most 53 characters; room for a hand-written one. */
const MAX_MACHINE_ID = 200;

// ---- capture and recall payloads (also the durable job payloads) ----

/**
 * Fields every capture may carry. shared: the capturing workspace has dormouse.shareWithTeam on, so
 * the shared store shows this memory to the team role (absent: private, unless the daemon's
 * sharedFolders covers its path). Optional, so older clients' payloads and queued jobs stay valid.
 */
interface CaptureCommon {
  capturedAt?: number;
  shared?: boolean;
}

export type CapturePayload =
  | ({ type: 'file'; path: string; language?: string; content?: string } & CaptureCommon)
  | ({ type: 'selection'; text: string; path?: string; language?: string; note?: string; startLine?: number; endLine?: number } & CaptureCommon)
  | ({ type: 'terminal'; commandLine: string; exitCode?: number | null; cwd?: string } & CaptureCommon)
  | ({ type: 'text'; text: string; title?: string } & CaptureCommon);

export interface RecallPayload {
  path: string;
  limit?: number;
}

export type JobKind = 'capture' | 'recall';

/**
 * dedupeKey: a waiting job of the same kind and key absorbs this one (merges repeated work).
 * idempotencyKey: this exact request was maybe sent before (a replay after a lost reply): any job
 * ever enqueued with the key, in any state, is returned instead of a new one.
 */
interface JobOptions {
  dedupeKey?: string;
  idempotencyKey?: string;
  priority?: number;
  maxAttempts?: number;
}

export type JobInput =
  | ({ kind: 'capture'; payload: CapturePayload } & JobOptions)
  | ({ kind: 'recall'; payload: RecallPayload } & JobOptions);

const captureCommon = { capturedAt: optional(int({ min: 0 })), shared: optional(bool) };

const capturePayload: Check<CapturePayload> = union<CapturePayload>('type', {
  file: object({
    type: oneOf('file'), path: str({ min: 1, max: MAX_PATH }), language: optional(str({ max: 100 })),
    content: optional(str({ max: MAX_TEXT })), ...captureCommon,
  }),
  selection: object({
    type: oneOf('selection'), text: str({ min: 1, max: MAX_TEXT }), path: optional(str({ max: MAX_PATH })),
    language: optional(str({ max: 100 })), note: optional(str({ max: 10_000 })),
    startLine: optional(int({ min: 0 })), endLine: optional(int({ min: 0 })), ...captureCommon,
  }),
  terminal: object({
    type: oneOf('terminal'), commandLine: str({ min: 1, max: 100_000 }), exitCode: optional(nullable(int())),
    cwd: optional(str({ max: MAX_PATH })), ...captureCommon,
  }),
  text: object({
    type: oneOf('text'), text: str({ min: 1, max: MAX_TEXT }), title: optional(str({ max: 500 })), ...captureCommon,
  }),
});

const recallPayload: Check<RecallPayload> = object({
  path: str({ min: 1, max: MAX_PATH }),
  limit: optional(int({ min: 1, max: 200 })),
});

const jobCommon = {
  dedupeKey: optional(str({ min: 1, max: 1000 })),
  idempotencyKey: optional(str({ min: 1, max: 200 })),
  priority: optional(int({ min: -1000, max: 1000 })),
  maxAttempts: optional(int({ min: 1, max: 100 })),
};

export const jobInput: Check<JobInput> = union<JobInput>('kind', {
  capture: object({ kind: oneOf('capture'), payload: capturePayload, ...jobCommon }),
  recall: object({ kind: oneOf('recall'), payload: recallPayload, ...jobCommon }),
});

// ---- recall results ----

export type MemoryKind = 'file' | 'selection' | 'terminal' | 'text';

/** One recall result; the CLI's `recall --json` prints an array of these. */
export interface RecallHit {
  id: number;
  kind: MemoryKind;
  path: string | null;
  title: string;
  /** ISO-8601 wall-clock time. */
  capturedAt: string;
  snippet: string;
  /** Higher is better. */
  score: number;
  /** Why it matched (tier, terms, typo corrections, filters); absent on related memories and history rows. */
  match?: MatchInfo;
  /** Terminal commands: the exit code (null when unknown). */
  exitCode?: number | null;
  /** The memory's language id, when known. */
  language?: string | null;
  /**
   * From the shared store (storeUrl): another machine (data dir) captured it, and `id` is its id
   * there: read it with `memory { id, machineId }`. Absent for this machine's own memories, also
   * when the shared store answered, so `memory { id }` reads them locally as before.
   */
  machineId?: string;
}

/** recallWithNote's answer. */
export interface RecallAnswer {
  hits: RecallHit[];
  note: string | null;
}

/**
 * A memory as `dormouse export` writes it (one JSON object per line) and `import` reads it back:
 * a MemoryRecord whose id (the exporting store's) is optional, since import ignores it (a memory's
 * identity is kind, path, time and content hash). `truncated`: cut to fit one IPC message at
 * export; import refuses such a memory rather than store it as if whole.
 */
export type ExportedMemory = Omit<MemoryRecord, 'id'> & { id?: number };

/** What to forget: exactly one of the fields. */
export type ForgetTarget = { id: number } | { path: string } | { before: number } | { all: true };

export interface MemoryRecord {
  id: number;
  kind: MemoryKind;
  path: string | null;
  title: string;
  language: string | null;
  note: string | null;
  exitCode: number | null;
  content: string;
  capturedAt: string;
  updatedAt: string;
  /** Set when the content was cut to fit the IPC message limit (ipcMaxMessageBytes). */
  truncated?: boolean;
}

export interface RelatedMemories {
  path: string;
  /** Memories of other files and captures that share this file's distinctive terms, best first. */
  hits: RecallHit[];
  /** This file's own snapshots, newest first (snippet empty, score 0): its history to open or diff. */
  history: RecallHit[];
  computedAt: string;
}

// ---- methods ----

export interface HelloResult {
  daemonPid: number;
  version: string;
  protocolVersion: number;
  /** The largest message the daemon accepts (ipcMaxMessageBytes): clients refuse larger requests up front. */
  maxMessageBytes: number;
}

export interface ReloadResult {
  changes: SettingChange[];
  /** Restart-required settings whose new value waits for the next daemon start. */
  pendingRestart: string[];
}

/** Test-only (`DORMOUSE_TEST_HOOKS=1`): wedge a worker loop's next tick, or release it. */
export interface DebugParams {
  action: 'wedge-loop' | 'release-loop';
  loop: JobKind;
}

export interface DebugResult {
  loop: JobKind;
  /** After this call: a wedge is armed for the loop's next tick, or holding a tick now. */
  wedged: boolean;
}

export interface Methods {
  hello: { params: { token: string; client: string }; result: HelloResult };
  status: { params: Record<string, never>; result: DaemonStatus };
  wake: { params: Record<string, never>; result: { woken: string[] } };
  hibernate: { params: Record<string, never>; result: { hibernated: boolean; reason?: string } };
  /** settings: runtime values over the config file; unset: runtime values to drop (back to the file, else the default). */
  reload: { params: { configFile?: string; settings?: Record<string, unknown>; unset?: string[] }; result: ReloadResult };
  /**
   * ids: the jobs queued, in order. While capture is paused (`pause`) capture jobs are dropped,
   * neither queued nor stored: they have no id, `dropped` counts them and `capture` says until
   * when (both absent when nothing was dropped); the other jobs of the batch are queued as usual.
   */
  enqueue: { params: { jobs: JobInput[] }; result: { ids: number[]; dropped?: number; capture?: CapturePause } };
  /**
   * query: the query language (src/shared/query-language.ts): words, "phrases", -exclusions, kind:, in:,
   * lang:, failed, since:/after:/before:/on:, today, yesterday, weekday names. An empty query (or only
   * filters) lists the newest memories. kind/pathPrefix/since/until narrow further (ANDed with the
   * query's own filters). roots: folders a relative `in:` starts from. offset: paging (Timeline).
   * A bad filter value is a BAD_REQUEST naming the word.
   */
  recall: {
    params: {
      query: string; limit?: number; offset?: number; kind?: MemoryKind; pathPrefix?: string; since?: number; until?: number;
      roots?: string[];
    };
    result: RecallHit[];
  };
  /**
   * recall with a note: the same params and hits, plus why the answer may be partial
   * ("shared store unreachable, showing this machine's memories only: …"; null when nothing to
   * say). A method of its own so `recall`'s result stays a plain array for older clients.
   */
  recallWithNote: { params: Params<'recall'>; result: RecallAnswer };
  /** Deletes memories from disk (rows, index entries, freed pages). */
  forget: { params: ForgetTarget; result: { forgotten: number } };
  /** Pause capture until a wall-clock time (epoch ms), or until resumed when `until` is absent. */
  pause: { params: { until?: number }; result: CapturePause };
  resume: { params: Record<string, never>; result: CapturePause };
  /** One page of memories, oldest first, for `dormouse export`; nextAfterId null on the last page. */
  export: { params: { afterId?: number; since?: number; limit?: number }; result: { memories: ExportedMemory[]; nextAfterId: number | null } };
  /** Idempotent: a memory already stored (same kind, path, capturedAt and content) is skipped. Secrets and excludes still apply. */
  import: { params: { memories: ExportedMemory[] }; result: { imported: number; skipped: number; refused: number } };
  related: { params: { path: string; limit?: number }; result: RelatedMemories };
  /**
   * One memory by id; null when there is none. machineId (a hit's, from the shared store): read
   * that machine's memory from the shared store, null when it is gone or this role may not see
   * it; STORE_UNAVAILABLE when no shared store is configured or it cannot be reached. This
   * daemon's own machine id, or none: the local store.
   */
  memory: { params: { id: number; machineId?: string }; result: MemoryRecord | null };
  subscribe: { params: { events: EventName[] }; result: Record<string, never> };
  stop: { params: Record<string, never>; result: Record<string, never> };
  /** Refused unless the daemon was started with DORMOUSE_TEST_HOOKS=1 (docs/test-hooks.md). */
  debug: { params: DebugParams; result: DebugResult };
}

export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]['params'];
export type Result<M extends MethodName> = Methods[M]['result'];

const empty = object({}) as Check<Record<string, never>>;

const memoryKind = oneOf<MemoryKind>('file', 'selection', 'terminal', 'text');
const isoTime: Check<string> = (v, path) => {
  const s = str({ min: 1, max: 40 })(v, path);
  if (Number.isNaN(Date.parse(s))) throw new ValidationError(`${path}: expected an ISO-8601 time, got ${JSON.stringify(s)}`);
  return s;
};

export const exportedMemory: Check<ExportedMemory> = object({
  id: optional(int({ min: 1 })),
  kind: memoryKind,
  path: nullable(str({ min: 1, max: MAX_PATH })),
  title: str({ max: 500 }),
  language: nullable(str({ max: 100 })),
  note: nullable(str({ max: 10_000 })),
  exitCode: nullable(int()),
  content: str({ max: MAX_TEXT }),
  capturedAt: isoTime,
  updatedAt: isoTime,
  truncated: optional(bool),
});

/** Exactly one of id, path, before, all. */
const forgetTarget: Check<ForgetTarget> = (v, path) => {
  const parsed = object({
    id: optional(int({ min: 1 })), path: optional(str({ min: 1, max: MAX_PATH })), before: optional(int({ min: 0 })),
    all: optional(oneOfBool(true)),
  })(v, path);
  const given = Object.keys(parsed);
  if (given.length !== 1) throw new ValidationError(`${path}: give exactly one of id, path, before, all (got ${given.length})`);
  return parsed as ForgetTarget;
};

function oneOfBool(value: boolean): Check<boolean> {
  return (v, path) => {
    if (v !== value) throw new ValidationError(`${path}: expected ${value}, got ${JSON.stringify(v)}`);
    return value;
  };
}

const recallParams: Check<Params<'recall'>> = object({
  query: str({ min: 0, max: 1000 }),
  limit: optional(int({ min: 1, max: 200 })),
  offset: optional(int({ min: 0, max: 10_000 })),
  roots: optional(arrayOf(str({ min: 1, max: MAX_PATH }), { max: 50 })),
  kind: optional(oneOf<MemoryKind>('file', 'selection', 'terminal', 'text')),
  pathPrefix: optional(str({ min: 1, max: MAX_PATH })),
  since: optional(int({ min: 0 })),
  until: optional(int({ min: 0 })),
});

export const PARAMS: { [M in MethodName]: Check<Params<M>> } = {
  hello: object({ token: str({ min: 1, max: 256 }), client: str({ min: 1, max: 100 }) }),
  status: empty,
  wake: empty,
  hibernate: empty,
  reload: object({
    configFile: optional(str({ min: 1, max: MAX_PATH })),
    settings: optional(record),
    unset: optional(arrayOf(str({ min: 1, max: 100 }), { max: 100 })),
  }),
  enqueue: object({ jobs: arrayOf(jobInput, { min: 1, max: 1000 }) }),
  recall: recallParams,
  recallWithNote: recallParams,
  related: object({ path: str({ min: 1, max: MAX_PATH }), limit: optional(int({ min: 1, max: 200 })) }),
  memory: object({ id: int({ min: 1 }), machineId: optional(str({ min: 1, max: MAX_MACHINE_ID })) }),
  forget: forgetTarget,
  pause: object({ until: optional(int({ min: 0 })) }),
  resume: empty,
  export: object({
    afterId: optional(int({ min: 0 })), since: optional(int({ min: 0 })), limit: optional(int({ min: 1, max: 1000 })),
  }),
  import: object({ memories: arrayOf(exportedMemory, { min: 1, max: 1000 }) }),
  subscribe: object({ events: arrayOf(oneOf<EventName>('status', 'related', 'jobStarted', 'shutdown'), { max: 10 }) }),
  stop: empty,
  debug: object({
    action: oneOf<DebugParams['action']>('wedge-loop', 'release-loop'),
    loop: oneOf<JobKind>('capture', 'recall'),
  }),
};

/** Methods that are real work requests: they mark activity and may wake loops. The rest are control-plane. */
export const ACTIVITY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'enqueue', 'recall', 'recallWithNote', 'related', 'memory', 'forget', 'export', 'import',
]);

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(PARAMS, name);
}

// ---- events pushed to subscribers ----

export interface Events {
  /** The daemon's status changed in a way a UI draws (state, loop states, health flags, queue counts). */
  status: DaemonStatus;
  /** A recall job finished computing related memories for a file. */
  related: RelatedMemories;
  /** A job was handed to a worker (benchmarks measure enqueue-to-start with it). */
  jobStarted: { id: number; kind: JobKind; attempt: number };
  /** The daemon is stopping on purpose (stop request, signal, idle exit): the disconnect that follows is not a crash. */
  shutdown: { reason: string };
}
export type EventName = keyof Events;

// ---- wire envelopes ----

export interface RequestMessage {
  id: number;
  method: string;
  params: unknown;
}

export type ErrorCode =
  | 'BAD_REQUEST' // malformed envelope or params
  | 'UNKNOWN_METHOD'
  | 'UNAUTHORIZED'
  | 'INVALID_SETTINGS' // details: { rejected: SettingRejection[] }
  | 'NOT_FOUND'
  | 'SHUTTING_DOWN'
  | 'DISK_FULL' // the data dir's disk refused a write; nothing was stored, send again later
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'TOO_MANY_CONNECTIONS' // the daemon serves ipcMaxConnections clients already; sent unasked (id -1), then the connection closes
  | 'STORE_UNAVAILABLE' // another machine's memory was asked for and no shared store is configured, or it cannot be reached
  | 'INTERNAL';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: { rejected?: SettingRejection[] } & Record<string, unknown>;
}

export type ResponseMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorBody };

export interface EventMessage {
  event: EventName;
  data: unknown;
}

export const requestEnvelope: Check<RequestMessage> = (v, path) => {
  const obj = record(v, path);
  const id = int({ min: 0, max: Number.MAX_SAFE_INTEGER })(obj.id, `${path}.id`);
  const method = str({ min: 1, max: 100 })(obj.method, `${path}.method`);
  return { id, method, params: obj.params ?? {} };
};

/** An error a handler throws on purpose; the server turns it into an error reply. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'RpcError';
  }
}
