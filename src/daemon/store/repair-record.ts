// The last repair outlives the daemon run that made it: a daemon started by the CLI or an agent may
// repair the database and exit idle before any VS Code window connects, and the user must still be
// told once. Kept as last-repair.json in the data dir (0600) and served as status.database.lastRepair
// by every later run; the extension's "shown once" key (the repair's time) keeps it from repeating.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RepairReport } from '../../shared/status';

export function recordRepair(file: string, repair: RepairReport): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(repair)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The recorded repair, or null when there is none or the file is unreadable (it is only a report). */
export function lastRecordedRepair(file: string): RepairReport | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as RepairReport;
    return value && (value.kind === 'rebuilt' || value.kind === 'salvaged') && typeof value.at === 'string' ? value : null;
  } catch {
    return null;
  }
}
