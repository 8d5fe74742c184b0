// A hand-written argv parser for `dormouse` (no dependency for a dozen flags). Global options may
// appear anywhere; each command declares its own flags; anything else is a usage error (exit 2).
import type { MemoryKind } from '../shared/protocol';
import { parseKind, parseTimeWord } from '../shared/query-language';
import { QueryError } from '../shared/recall-query';
import { parseSetArgument } from '../shared/settings';
import type { ForgetWhat } from './commands/forget';
import { type TimeSpec, parseDuration, parseTimeSpec } from './time-arg';

const COMMANDS = [
  'daemon', 'status', 'wake', 'hibernate', 'reload', 'capture', 'recall', 'stop', 'forget', 'pause', 'resume', 'export', 'import', 'mcp', 'store', 'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export type Command =
  | { name: 'daemon'; foreground: boolean; configFile?: string }
  | { name: 'status' }
  | { name: 'wake' }
  | { name: 'hibernate' }
  | { name: 'stop' }
  | { name: 'mcp' }
  | { name: 'reload'; configFile?: string; settings: Record<string, unknown>; unset: string[] }
  | { name: 'capture'; files: string[]; text?: string; title?: string }
  | { name: 'recall'; query: string; limit?: number; kind?: MemoryKind; in?: string; since?: string; until?: string }
  | { name: 'forget'; what: ForgetWhat; yes: boolean }
  | { name: 'pause'; for?: number; until?: TimeSpec }
  | { name: 'resume' }
  | { name: 'export'; since?: TimeSpec }
  | { name: 'import'; file: string }
  | { name: 'store'; action: 'init'; url: string; grants: string[] }
  | { name: 'help'; topic?: CommandName };

export interface GlobalOptions {
  /** --data-dir; undefined means DORMOUSE_DATA_DIR or the per-user default. */
  dataDir?: string;
  json: boolean;
  help: boolean;
  version: boolean;
}

export type ParsedArgs =
  | { ok: true; global: GlobalOptions; command: Command | undefined }
  | { ok: false; error: string; command?: CommandName; /** --json was given: the error goes out as a JSON document too. */ json: boolean };

/** 'flag': no value; 'value': one value; 'repeat': one value, may repeat; 'values': one or more values, may repeat. */
type Kind = 'flag' | 'value' | 'repeat' | 'values';

const GLOBAL: Record<string, Kind> = { 'data-dir': 'value', json: 'flag', help: 'flag', version: 'flag' };

const FLAGS: Record<CommandName, Record<string, Kind>> = {
  daemon: { foreground: 'flag', config: 'value' },
  status: {},
  wake: {},
  hibernate: {},
  stop: {},
  mcp: {},
  reload: { config: 'value', set: 'repeat', unset: 'repeat' },
  capture: { file: 'values', text: 'value', title: 'value' },
  recall: { limit: 'value', kind: 'value', in: 'value', since: 'value', until: 'value' },
  forget: { path: 'value', before: 'value', all: 'flag', yes: 'flag' },
  pause: { for: 'value', until: 'value' },
  resume: {},
  export: { since: 'value' },
  import: {},
  store: { url: 'value', grant: 'repeat' },
  help: {},
};

class UsageError extends Error {}

function isCommandName(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const global: GlobalOptions = { json: false, help: false, version: false };
  let command: CommandName | undefined;
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const seen = new Set<string>();
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] as string;
      if (arg === '--') {
        positionals.push(...argv.slice(i + 1));
        break;
      }
      if (arg === '-h') {
        global.help = true;
        continue;
      }
      if (!arg.startsWith('--')) {
        // recall's query language leaves a word out with `-word`: a positional there, not an option.
        const exclusion = command === 'recall';
        if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg) && !exclusion) throw new UsageError(`unknown option ${arg}`);
        if (command === undefined) {
          if (!isCommandName(arg)) throw new UsageError(`unknown command ${JSON.stringify(arg)}`);
          command = arg;
        } else {
          positionals.push(arg);
        }
        continue;
      }
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      const isGlobal = name in GLOBAL;
      const kind = isGlobal ? GLOBAL[name] : command ? FLAGS[command][name] : undefined;
      if (!kind) {
        throw new UsageError(command ? `unknown option --${name} for ${command}` : `unknown option --${name}`);
      }
      if (kind === 'flag') {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        if (name === 'json') global.json = true;
        else if (name === 'help') global.help = true;
        else if (name === 'version') global.version = true;
        else values.set(name, ['true']);
        continue;
      }
      const taken: string[] = [];
      if (inline !== undefined) taken.push(inline);
      else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        taken.push(next);
        i++;
        // `--file a b c`: take values up to the next option.
        while (kind === 'values' && argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-')) taken.push(argv[++i] as string);
      }
      if (taken.some((v) => v === '')) throw new UsageError(`--${name} needs a non-empty value`);
      if ((kind === 'value') && seen.has(name)) throw new UsageError(`--${name} given twice`);
      seen.add(name);
      if (isGlobal) global.dataDir = taken[0];
      else values.set(name, [...(values.get(name) ?? []), ...taken]);
    }
    if (command === undefined) {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
      return { ok: true, global, command: undefined };
    }
    // `dormouse recall --help` is a request for help, not a recall missing its query.
    if (global.help) return { ok: true, global, command: command === 'help' ? { name: 'help' } : { name: 'help', topic: command } };
    return { ok: true, global, command: build(command, positionals, values) };
  } catch (error) {
    if (error instanceof UsageError) {
      const json = wantsJson(argv);
      return command ? { ok: false, error: error.message, command, json } : { ok: false, error: error.message, json };
    }
    throw error;
  }
}

function timeSpec(flag: string, raw: string): TimeSpec {
  const spec = parseTimeSpec(raw);
  if (!spec) throw new UsageError(`${flag} must be an ISO-8601 date or time (2026-05-01, 2026-05-01T18:00) or a duration (30m, 3d), got ${JSON.stringify(raw)}`);
  return spec;
}

/** Whether argv asks for JSON output, even when it fails to parse (before any `--`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function build(name: CommandName, positionals: string[], values: Map<string, string[]>): Command {
  const one = (flag: string) => values.get(flag)?.[0];
  const noPositionals = () => {
    if (positionals.length > 0) throw new UsageError(`${name} takes no argument, got ${JSON.stringify(positionals[0])}`);
  };
  switch (name) {
    case 'daemon': {
      noPositionals();
      const configFile = one('config');
      return { name, foreground: values.has('foreground'), ...(configFile !== undefined && { configFile }) };
    }
    case 'status':
    case 'wake':
    case 'hibernate':
    case 'stop':
    case 'resume':
    case 'mcp':
      noPositionals();
      return { name };
    case 'reload': {
      noPositionals();
      const settings: Record<string, unknown> = {};
      for (const arg of values.get('set') ?? []) {
        const parsed = parseSetArgument(arg);
        if ('error' in parsed) throw new UsageError(parsed.error);
        settings[parsed.key] = parsed.value;
      }
      const configFile = one('config');
      const unset = values.get('unset') ?? [];
      return { name, settings, unset, ...(configFile !== undefined && { configFile }) };
    }
    case 'capture': {
      noPositionals();
      const files = values.get('file') ?? [];
      const text = one('text');
      const title = one('title');
      if (files.length > 0 && text !== undefined) throw new UsageError('capture takes --file or --text, not both');
      if (files.length === 0 && text === undefined) throw new UsageError('capture needs --file PATH... or --text TEXT');
      if (title !== undefined && text === undefined) throw new UsageError('--title goes with --text');
      return { name, files, ...(text !== undefined && { text }), ...(title !== undefined && { title }) };
    }
    case 'recall': {
      const query = positionals.join(' ').trim();
      const kind = one('kind');
      const where = one('in');
      const since = one('since');
      const until = one('until');
      if (!query && kind === undefined && where === undefined && since === undefined && until === undefined) {
        throw new UsageError('recall needs a QUERY or a filter (--kind, --in, --since, --until)');
      }
      const raw = one('limit');
      let limit: number | undefined;
      if (raw !== undefined) {
        limit = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isInteger(limit) || limit < 1 || limit > 200) {
          throw new UsageError(`--limit must be an integer from 1 to 200, got ${JSON.stringify(raw)}`);
        }
      }
      // The flags take the inline words' values; checked here with the same parser pieces (the
      // times are resolved against the clock again when the request is made).
      if (since !== undefined) checked(() => parseTimeWord('since', since, Date.now(), `--since ${since}`));
      if (until !== undefined) checked(() => parseTimeWord('before', until, Date.now(), `--until ${until}`));
      return {
        name,
        query,
        ...(limit !== undefined && { limit }),
        ...(kind !== undefined && { kind: checked(() => parseKind(kind, `--kind ${kind}`)) }),
        ...(where !== undefined && { in: where }),
        ...(since !== undefined && { since }),
        ...(until !== undefined && { until }),
      };
    }
    case 'forget': {
      const path = one('path');
      const before = one('before');
      const all = values.has('all');
      const given = [positionals.length > 0, path !== undefined, before !== undefined, all].filter(Boolean).length;
      if (given !== 1) throw new UsageError('forget takes exactly one of ID, --path P, --before T, --all');
      const yes = values.has('yes');
      if (path !== undefined) return { name, what: { path }, yes };
      if (before !== undefined) return { name, what: { before: timeSpec('--before', before) }, yes };
      if (all) return { name, what: { all: true }, yes };
      if (positionals.length > 1) throw new UsageError(`forget takes one ID, got ${positionals.length}`);
      const raw = positionals[0]!;
      const id = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`forget: ID must be a memory id (a positive integer), got ${JSON.stringify(raw)}`);
      return { name, what: { id }, yes };
    }
    case 'pause': {
      noPositionals();
      const forRaw = one('for');
      const untilRaw = one('until');
      if (forRaw !== undefined && untilRaw !== undefined) throw new UsageError('pause takes --for or --until, not both');
      if (forRaw !== undefined) {
        const ms = parseDuration(forRaw);
        if (ms === null) throw new UsageError(`--for must be a duration like 15m, 1h or 2d, got ${JSON.stringify(forRaw)}`);
        return { name, for: ms };
      }
      return untilRaw === undefined ? { name } : { name, until: timeSpec('--until', untilRaw) };
    }
    case 'export': {
      noPositionals();
      const since = one('since');
      return since === undefined ? { name } : { name, since: timeSpec('--since', since) };
    }
    case 'import': {
      if (positionals.length !== 1) throw new UsageError('import needs one FILE (JSONL, as `dormouse export` writes it)');
      return { name, file: positionals[0]! };
    }
    case 'store': {
      if (positionals.length !== 1 || positionals[0] !== 'init') throw new UsageError('store needs the action init: dormouse store init --url URL [--grant ROLE ...]');
      const url = one('url');
      if (url === undefined) throw new UsageError('store init needs --url postgres://USER@HOST[:PORT]/DATABASE');
      return { name, action: 'init', url, grants: values.get('grant') ?? [] };
    }
    case 'help': {
      const topic = positionals[0];
      if (positionals.length > 1) throw new UsageError(`help takes one topic, got ${positionals.length}`);
      if (topic !== undefined && !isCommandName(topic)) throw new UsageError(`unknown command ${JSON.stringify(topic)}`);
      return topic === undefined ? { name } : { name, topic };
    }
  }
}

/** A QueryError from a shared parser piece, as a usage error. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof QueryError) throw new UsageError(error.message);
    throw error;
  }
}
