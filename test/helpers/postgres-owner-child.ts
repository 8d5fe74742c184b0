// A process that owns one throw-away PostgreSQL server (postgres.ts), for the reaper's tests: it
// starts the server in its TMPDIR, prints {"dir": ...} as one line, and destroys the server when
// its stdin closes. Killed instead (SIGKILL), it leaves the server behind as a killed test run does.
import { startPostgres } from './postgres';

startPostgres().then(
  (server) => {
    process.stdout.write(`${JSON.stringify({ dir: server.socketDir })}\n`);
    process.stdin.on('end', () => server.destroy()).resume();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
