import { settingsUrlProblem } from './store-url';

// The one typed schema of every setting: default, range, and whether a change applies live or
// needs a daemon restart. The same keys are used in a config file, `reload --set`, and as
// `dormouse.<key>` in VS Code. No I/O and no `vscode` here: both sides validate with it.

export interface Settings {
  suspendAfterMs: number;
  suspendEnabled: boolean;
  backoffEnabled: boolean;
  pollFloorMs: number;
  pollCeilingMs: number;
  backoffMultiplier: number;
  spawnsPerTick: number;
  maxConcurrent: number;
  spawnJitterMs: [number, number];
  /** null means derived: max(60000, 10 x pollFloorMs). */
  staleThresholdMs: number | null;
  stuckThresholdMs: number;
  captureMaxBytes: number;
  captureExcludes: string[];
  mergeWindowMs: number;
  idleExitMs: number;
  retentionSnapshotsPerFile: number;
  retentionDays: number;
  maxAttempts: number;
  leaseMs: number;
  reaperIntervalMs: number;
  ipcMaxMessageBytes: number;
  ipcMaxConnections: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** A shared PostgreSQL store (postgres://USER@HOST/DB, no password); null: the local SQLite store only. */
  storeUrl: string | null;
  /** Folders whose memories are shared with the team whatever the capture says (captures without the flag: CLI); absolute paths. */
  sharedFolders: string[];
}

export type SettingKey = keyof Settings;

export const DEFAULT_CAPTURE_EXCLUDES: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.crt',
  '**/*.cer',
  '**/*.der',
  '**/*.jks',
  '**/*.keystore',
  '**/*.kdbx',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/.ssh/**',
  '**/.aws/credentials',
  '**/.netrc',
  '**/.npmrc',
  '**/.pypirc',
  '**/*secret*',
  '**/node_modules/**',
  '**/.git/**',
];

interface SettingSpec<K extends SettingKey> {
  key: K;
  default: Settings[K];
  /** Live settings apply on reload; the others are stored and take effect on the next daemon start. */
  live: boolean;
  description: string;
  /** Returns the parsed value or an error message that names the constraint. */
  parse(value: unknown): { ok: true; value: Settings[K] } | { ok: false; reason: string };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function integer(min: number, max: number): (v: unknown) => Parsed<number> {
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return { ok: false, reason: `must be an integer, got ${describe(v)}` };
    if (v < min || v > max) return { ok: false, reason: `must be between ${min} and ${max}, got ${v}` };
    return { ok: true, value: v };
  };
}

function number(min: number, max: number): (v: unknown) => Parsed<number> {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, reason: `must be a number, got ${describe(v)}` };
    if (v < min || v > max) return { ok: false, reason: `must be between ${min} and ${max}, got ${v}` };
    return { ok: true, value: v };
  };
}

function boolean(v: unknown): Parsed<boolean> {
  return typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, reason: `must be true or false, got ${describe(v)}` };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}

const DAY_MS = 86_400_000;

export const SETTING_SPECS: { [K in SettingKey]: SettingSpec<K> } = {
  suspendAfterMs: {
    key: 'suspendAfterMs', default: 300_000, live: true,
    description: 'Idle time (ms) after which the loops hibernate: no timers, no SQL. 0 never hibernates.',
    parse: integer(0, 7 * DAY_MS),
  },
  suspendEnabled: {
    key: 'suspendEnabled', default: true, live: true,
    description: 'false: loops keep their backed-off cadence forever instead of hibernating.',
    parse: boolean,
  },
  backoffEnabled: {
    key: 'backoffEnabled', default: true, live: true,
    description: 'false: loops poll at the floor interval, flat.',
    parse: boolean,
  },
  pollFloorMs: {
    key: 'pollFloorMs', default: 250, live: true,
    description: 'Fastest poll interval (ms), used right after real work.',
    parse: integer(10, 60_000),
  },
  pollCeilingMs: {
    key: 'pollCeilingMs', default: 30_000, live: true,
    description: 'Slowest backed-off poll interval (ms).',
    parse: integer(10, 3_600_000),
  },
  backoffMultiplier: {
    key: 'backoffMultiplier', default: 1.5, live: true,
    description: 'Growth of the poll interval per empty tick.',
    parse: number(1, 10),
  },
  spawnsPerTick: {
    key: 'spawnsPerTick', default: 4, live: true,
    description: 'Jobs started at most per tick.',
    parse: integer(1, 64),
  },
  maxConcurrent: {
    key: 'maxConcurrent', default: 4, live: true,
    description: 'Jobs in flight at most per loop; 0 dispatches nothing.',
    parse: integer(0, 64),
  },
  spawnJitterMs: {
    key: 'spawnJitterMs', default: [50, 150], live: true,
    // Paced work only (src/daemon/scheduling/pacing-policy.ts): capture and recall are local and never pay it.
    description: 'Random pause [min, max] (ms) between the starts of paced work inside one tick: work that calls a rate-limited resource (a remote API). Capture and recall are local and unpaced, so they start at once.',
    parse: (v) => {
      if (!Array.isArray(v) || v.length !== 2) return { ok: false, reason: `must be [min, max], got ${describe(v)}` };
      const [a, b] = v as unknown[];
      if (typeof a !== 'number' || typeof b !== 'number' || !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > 10_000 || a > b) {
        return { ok: false, reason: `must be two integers 0 <= min <= max <= 10000, got ${JSON.stringify(v)}` };
      }
      return { ok: true, value: [a, b] };
    },
  },
  staleThresholdMs: {
    key: 'staleThresholdMs', default: null, live: true,
    description: 'A tick in flight, or an overdue poll, older than this (ms) is stale. null: max(60000, 10 x pollFloorMs).',
    parse: (v) => (v === null ? { ok: true, value: null } : integer(1_000, DAY_MS)(v)),
  },
  stuckThresholdMs: {
    key: 'stuckThresholdMs', default: 60_000, live: true,
    description: 'Ready jobs with no lease for this long (ms) is a stuck queue.',
    parse: integer(1_000, DAY_MS),
  },
  captureMaxBytes: {
    key: 'captureMaxBytes', default: 262_144, live: true,
    description: 'Captures larger than this (bytes) are skipped and counted.',
    parse: integer(1, 16 * 1024 * 1024),
  },
  captureExcludes: {
    key: 'captureExcludes', default: [...DEFAULT_CAPTURE_EXCLUDES], live: true,
    description: 'Glob patterns of files never captured (secrets, keys, node_modules, .git by default).',
    parse: (v) => {
      if (!Array.isArray(v) || !v.every((item) => typeof item === 'string' && item.length > 0)) {
        return { ok: false, reason: `must be an array of non-empty glob strings, got ${describe(v)}` };
      }
      return { ok: true, value: [...(v as string[])] };
    },
  },
  mergeWindowMs: {
    key: 'mergeWindowMs', default: 10_000, live: true,
    description: 'Saves of one file inside this window (ms) merge into one memory.',
    parse: integer(0, DAY_MS),
  },
  idleExitMs: {
    key: 'idleExitMs', default: 60_000, live: true,
    description: 'How long (ms) a daemon with no client left waits before exiting (not in the foreground). 0 never exits.',
    parse: integer(0, DAY_MS),
  },
  retentionSnapshotsPerFile: {
    key: 'retentionSnapshotsPerFile', default: 50, live: true,
    description: 'Snapshots kept per file; older ones are deleted.',
    parse: integer(1, 10_000),
  },
  retentionDays: {
    key: 'retentionDays', default: 90, live: true,
    description: 'Memories older than this many days are deleted. 0 keeps them forever.',
    parse: integer(0, 36_500),
  },
  maxAttempts: {
    key: 'maxAttempts', default: 5, live: true,
    description: 'Attempts of a failing job before it is dead.',
    parse: integer(1, 100),
  },
  leaseMs: {
    key: 'leaseMs', default: 120_000, live: true,
    description: 'How long (ms) a leased job may run before the reaper reclaims it.',
    parse: integer(1_000, DAY_MS),
  },
  reaperIntervalMs: {
    key: 'reaperIntervalMs', default: 60_000, live: true,
    description: 'Mean interval (ms) of the lease reaper; each sweep is randomised by +/-25%.',
    parse: integer(100, DAY_MS),
  },
  ipcMaxMessageBytes: {
    key: 'ipcMaxMessageBytes', default: 1_048_576, live: false,
    description: 'Largest IPC message (bytes) the daemon accepts. Takes effect on the next daemon start.',
    parse: integer(4_096, 64 * 1024 * 1024),
  },
  ipcMaxConnections: {
    key: 'ipcMaxConnections', default: 1024, live: true,
    description: 'Most IPC clients (windows, CLI calls, MCP servers) connected at once; one past it is refused with TOO_MANY_CONNECTIONS. Each costs a file descriptor: keep it under the open-file limit (ulimit -n).',
    parse: integer(1, 1_000_000),
  },
  logLevel: {
    key: 'logLevel', default: 'info', live: true,
    description: 'Daemon log level: debug, info, warn or error.',
    parse: (v) =>
      v === 'debug' || v === 'info' || v === 'warn' || v === 'error'
        ? { ok: true, value: v }
        : { ok: false, reason: `must be one of debug, info, warn, error, got ${describe(v)}` },
  },
  storeUrl: {
    key: 'storeUrl', default: null, live: false,
    description: 'A shared PostgreSQL store (postgres://USER@HOST[:PORT]/DATABASE) that memories replicate to and recall searches; the password comes from DORMOUSE_STORE_PASSWORD_FILE, <data dir>/store-password, PGPASSWORD, the OS keychain (service dormouse, account ROLE@HOST/DATABASE) or ~/.pgpass, never from settings. null: the local store only. Takes effect on the next daemon start.',
    parse: (v) => {
      if (v === null || v === '') return { ok: true, value: null };
      if (typeof v !== 'string') return { ok: false, reason: `must be a postgres:// URL or null, got ${describe(v)}` };
      const problem = settingsUrlProblem(v);
      return problem ? { ok: false, reason: problem } : { ok: true, value: v };
    },
  },
  sharedFolders: {
    key: 'sharedFolders', default: [], live: true,
    description: 'Folders whose memories the shared store shows to the team role, whatever client captured them (the CLI too). The extension marks each capture from a workspace with dormouse.shareWithTeam on; this is the daemon-wide addition. Others stay private to you.',
    parse: (v) => {
      if (!Array.isArray(v) || !v.every((item) => typeof item === 'string' && /^(\/|[A-Za-z]:[\\/])/.test(item))) {
        return { ok: false, reason: `must be an array of absolute folder paths, got ${describe(v)}` };
      }
      return { ok: true, value: [...(v as string[])] };
    },
  },
};

const SETTING_KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_SPECS, key);
}

export function defaultSettings(): Settings {
  const out = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) {
    const value = SETTING_SPECS[key].default;
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as unknown as Settings;
}

/** The stale threshold in force: the explicit value, or max(60 s, 10 x floor). */
export function effectiveStaleThresholdMs(settings: Settings): number {
  return settings.staleThresholdMs ?? Math.max(60_000, 10 * settings.pollFloorMs);
}

export interface SettingRejection {
  key: string;
  reason: string;
}

export interface SettingChange {
  key: SettingKey;
  from: unknown;
  to: unknown;
  live: boolean;
}

export type SettingsUpdateResult =
  | { ok: true; settings: Settings; changes: SettingChange[] }
  | { ok: false; rejected: SettingRejection[] };

/**
 * Validates a whole update against the current settings. All valid: the new settings and the
 * list of changes. Any invalid: every rejected key with its reason, and nothing applied.
 * Cross-field rules (floor <= ceiling) are checked on the merged result.
 */
export function applySettingsUpdate(current: Settings, update: Record<string, unknown>): SettingsUpdateResult {
  const rejected: SettingRejection[] = [];
  const next = { ...current } as Record<SettingKey, unknown>;
  for (const [key, raw] of Object.entries(update)) {
    if (!isSettingKey(key)) {
      rejected.push({ key, reason: `unknown setting (known: ${SETTING_KEYS.join(', ')})` });
      continue;
    }
    const parsed = (SETTING_SPECS[key] as SettingSpec<SettingKey>).parse(raw);
    if (parsed.ok) next[key] = parsed.value;
    else rejected.push({ key, reason: parsed.reason });
  }
  const merged = next as unknown as Settings;
  if (rejected.length === 0 && merged.pollFloorMs > merged.pollCeilingMs) {
    const key = 'pollFloorMs' in update ? 'pollFloorMs' : 'pollCeilingMs';
    rejected.push({ key, reason: `pollFloorMs (${merged.pollFloorMs}) must not exceed pollCeilingMs (${merged.pollCeilingMs})` });
  }
  if (rejected.length > 0) return { ok: false, rejected };
  const changes: SettingChange[] = [];
  for (const key of SETTING_KEYS) {
    if (JSON.stringify(current[key]) !== JSON.stringify(merged[key])) {
      changes.push({ key, from: current[key], to: merged[key], live: SETTING_SPECS[key].live });
    }
  }
  return { ok: true, settings: merged, changes };
}

/** `--set key=value`: the value is JSON when it parses (numbers, booleans, arrays, null), else a string. */
export function parseSetArgument(arg: string): { key: string; value: unknown } | { error: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) return { error: `--set expects key=value, got ${JSON.stringify(arg)}` };
  const key = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1);
  try {
    return { key, value: JSON.parse(text) };
  } catch {
    return { key, value: text };
  }
}
