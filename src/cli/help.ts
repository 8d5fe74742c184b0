// Usage texts: `dormouse --help`, `dormouse help [COMMAND]`, `dormouse COMMAND --help`.
import type { CommandName } from './args';

const GLOBAL = `Global options:
  --data-dir DIR   the data dir (database, token, logs, config) whose daemon to use
                   (default: $DORMOUSE_DATA_DIR, else a per-user folder)
  --json           print exactly one JSON document on stdout
  --help, -h       show help
  --version        print the version

Exit codes: 0 ok, 1 daemon not reachable or operation failed, 2 bad usage or rejected input.`;

const COMMAND_HELP: Record<CommandName, string> = {
  daemon: `dormouse daemon [--foreground] [--config FILE]
  Starts the daemon of the data dir unless one already runs (then says so). Detached by default:
  prints its pid and socket and returns. --foreground keeps it attached, logs to stderr, stops on
  SIGINT/SIGTERM; SIGHUP reloads FILE.`,
  status: `dormouse status [--json]
  The daemon's state, loops, queue counts, health flags and counters. Never counts as activity.`,
  wake: `dormouse wake
  Wakes every loop and the reaper now.`,
  hibernate: `dormouse hibernate
  Suspends the loops now unless work is queued or in flight.`,
  reload: `dormouse reload [--config FILE] [--set key=value ...] [--unset key ...]
  Validates and applies live settings and lists what changed. If any key is rejected, lists every
  rejected key with its reason, keeps all old values, and exits 2. --unset drops a value set at run
  time (by --set or VS Code): the key falls back to the config file, else its default.`,
  capture: `dormouse capture --file PATH...
dormouse capture --text TEXT [--title T]
  Enqueues one capture job per file (the daemon reads the file) or one for the text; prints the
  job ids.`,
  recall: `dormouse recall QUERY [--kind K] [--in PATH] [--since T] [--until T] [--limit N] [--json]
  Searches captured memories (N from 1 to 200). QUERY may be left out when a filter is given: the
  newest memories that pass the filters. The query language (docs/cli.md):
    words                the last word also matches as a prefix unless the query ends with a space
    '"exact phrase"'     one exact phrase (quote the quotes for the shell)
    -word                leave out memories containing the word
    kind:K               file, selection, terminal or text
    in:PATH              a folder or file, relative to the working directory; several are alternatives
    lang:ID              language id or file extension, e.g. lang:ts
    failed               terminal commands with a non-zero exit code ('"failed"' is the word)
    since:T  after:T     from T on (after:DAY: from the end of that day)
    before:T             before T (before:DAY: before the start of that day)
    on:DAY, DAY          that local day; DAY is YYYY-MM-DD, today, yesterday or a weekday name
                         (the most recent one, today included; mon..sun only after a key)
    T is a duration back from now (30m, 2h, 3d, 2w) or a DAY (its start).
  --kind, --in and --since take the same values; --until T is before:T. All filters must hold.
  A bad value exits 2 before the daemon is asked.`,
  stop: `dormouse stop
  Graceful stop: finishes in-flight jobs up to a timeout; queued jobs stay durable.`,
  forget: `dormouse forget ID | --path P | --before T | --all [--yes]
  Deletes memories from disk: one by id, every memory of a file or folder (and under it), every
  memory captured before T (an ISO date/time, or a duration: 3d means older than three days), or
  all of them. Asks first on a terminal; without one, pass --yes (else exit 2). Prints how many.`,
  pause: `dormouse pause [--for DURATION | --until TIME]
  Pauses capture: until resumed, for a duration (15m, 1h, 2d) or until a time (ISO-8601). While
  paused the daemon drops every capture; recall keeps working. Survives a daemon restart.`,
  resume: `dormouse resume
  Ends a capture pause.`,
  export: `dormouse export [--since T] > memories.jsonl
  Writes every memory (or those captured since T) as one JSON object per line, oldest first.`,
  import: `dormouse import FILE
  Reads JSONL as export writes it and stores each memory through the capture rules (excluded
  paths and secrets are refused). Memories already stored are skipped, so importing twice imports
  nothing the second time. A malformed line is reported with its number; the rest is imported and
  the command exits 2.`,
  mcp: `dormouse mcp
  An MCP server on stdin/stdout for AI agents: read-only tools over your memory (dormouse_search,
  dormouse_get_memory, dormouse_recent_activity, dormouse_file_history). Starts the daemon when
  none runs; exits when stdin closes. Set up with the VS Code command "Dormouse: Set up an AI agent…".`,
  store: `dormouse store init --url URL [--grant ROLE ...]
  Creates or migrates the shared PostgreSQL store (numbered migrations, row-level security) as the
  role of URL (an admin, or the one user who owns the database), creates the team role
  dormouse_team and makes each --grant ROLE a member (may use the store, reads what the team
  shares). Idempotent. The password: in URL, or $DORMOUSE_STORE_PASSWORD_FILE, <data dir>/store-password,
  PGPASSWORD or ~/.pgpass. Exit 2 on a bad URL, a wrong password or missing rights.`,
  help: `dormouse help [COMMAND]
  Shows help for all commands or one.`,
};

export function usage(): string {
  const lines = Object.values(COMMAND_HELP).map((text) => text.split('\n').filter((l) => l.startsWith('dormouse')).join('\n'));
  return `Dormouse: a private, searchable memory of your coding work.

Usage:
${lines.map((l) => l.replace(/^/gm, '  ')).join('\n')}

${GLOBAL}
`;
}

export function commandHelp(name: CommandName): string {
  return `${COMMAND_HELP[name]}\n\n${GLOBAL}\n`;
}
