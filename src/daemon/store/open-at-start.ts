// Opening the daemon's database at start, and what the start decides about it: how much to check
// (a full check after an unclean shutdown, or always for a file small enough that it is cheap),
// telling the starter first when that will take long, recording a repair for the status, finishing
// a forget's purge cut short by the last stop, and making every file in the data dir private.
import { existsSync, rmSync, statSync } from 'node:fs';
import type { Logger } from '../../shared/logger';
import type { DataDirPaths } from '../../shared/paths';
import type { DaemonStatus } from '../../shared/status';
import type { Clock } from '../../shared/clock';
import { dataDirWarning, tightenDataDir } from './file-modes';
import { finishInterruptedPurge } from './forget';
import { openDatabase, slowOpenReason } from './open-database';
import { lastRecordedRepair, recordRepair } from './repair-record';
import type { SqlDatabase } from './sql';
import { errorMessage } from '../../shared/error-message';

/** A database this small is quick-checked at every start; a larger one only after an unclean shutdown. */
const QUICK_CHECK_ALWAYS_BELOW_BYTES = 64 * 1024 * 1024;

export interface OpenedStore {
  db: SqlDatabase;
  quarantined: DaemonStatus['database']['quarantined'];
  /** The repair made at this start, else the last one recorded. */
  lastRepair: DaemonStatus['database']['lastRepair'];
  /** What this start did to the file, for the ready line: a repair's kind, 'quarantined', or null. */
  repairedAtStart: string | null;
  /** Why the data dir is not private, if it is not. */
  dataDirWarning: string | null;
}

export interface OpenAtStartOptions {
  log: Logger;
  clock: Clock;
  /** The open will take long (a migration, a full check): resolves once the starter has been told. */
  onSlowStart?: (reason: string) => Promise<void>;
}

export async function openStoreAtStart(paths: DataDirPaths, { log, clock, onSlowStart }: OpenAtStartOptions): Promise<OpenedStore> {
  // An absent marker means the last run did not shut down cleanly: check the database fully.
  const cleanShutdown = existsSync(paths.cleanShutdownMarker);
  rmSync(paths.cleanShutdownMarker, { force: true });
  const small = !existsSync(paths.database) || statSync(paths.database).size < QUICK_CHECK_ALWAYS_BELOW_BYTES;
  const runQuickCheck = !cleanShutdown || small;
  const slow = slowOpenReason(paths.database, { runQuickCheck, largeFile: !small });
  if (slow) {
    log.info(`slow start: ${slow}; the daemon serves once it is done`);
    await onSlowStart?.(slow);
  }
  const opened = openDatabase(paths.database, { log: log.child('db'), clock, runQuickCheck, checkIndexConsistency: !cleanShutdown });
  try {
    const repairFile = `${paths.dataDir}/last-repair.json`;
    if (opened.repair) {
      try {
        recordRepair(repairFile, opened.repair);
      } catch (error) {
        log.warn(`could not record the repair in ${repairFile}: ${errorMessage(error)}`);
      }
    }
    const lastRepair = opened.repair ?? lastRecordedRepair(repairFile);
    if (finishInterruptedPurge(opened.db, paths.forgetPurgeMarker)) log.info('finished the purge of a forget cut short by the last stop');
    // Now that the database, its WAL and SHM exist: every file private, whatever made it.
    const tightened = tightenDataDir(paths.dataDir);
    if (tightened.length > 0) log.warn(`made ${tightened.length} file(s) in the data dir private (0600, folders 0700): ${tightened.join(', ')}`);
    const warning = dataDirWarning(paths.dataDir);
    if (warning) log.warn(warning);
    const repairedAtStart = opened.repair ? `database ${opened.repair.kind}` : opened.quarantined ? 'database was quarantined' : null;
    return { db: opened.db, quarantined: opened.quarantined, lastRepair, repairedAtStart, dataDirWarning: warning };
  } catch (error) {
    opened.db.close();
    throw error;
  }
}
