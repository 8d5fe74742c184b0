// The one notification a repaired database deserves: the daemon reports its last repair in every
// status (status.database.lastRepair), so the window must decide when it is news. Once per repair:
// keyed by the repair's time and kind, remembered in the extension's global state, so neither the
// next status event, a reload, nor a second window shows it again.
import type { DaemonStatus, RepairReport } from '../../shared/status';

export interface RepairNotice {
  /** Remember this once shown. */
  key: string;
  severity: 'warning' | 'error';
  message: string;
}

function repairKey(repair: RepairReport): string {
  return `${repair.kind}@${repair.at}`;
}

/** The notice to show for this status, or null when there is none or `lastShownKey` already showed it. */
export function repairNotice(status: DaemonStatus | null, lastShownKey: string | null): RepairNotice | null {
  const repair = status?.database.lastRepair;
  if (!repair) return null;
  const key = repairKey(repair);
  if (key === lastShownKey) return null;
  const saved = `${repair.saved.memories} ${repair.saved.memories === 1 ? 'memory' : 'memories'}`;
  if (repair.kind === 'rebuilt') {
    return { key, severity: 'warning', message: `Dormouse repaired its database: the search index was damaged and has been rebuilt from your memories. All ${saved} were kept.` };
  }
  const aside = repair.movedTo ? ` The damaged file is kept at ${repair.movedTo}.` : '';
  const lost = repair.lost.memories;
  if (lost === 0) {
    return { key, severity: 'warning', message: `Dormouse found its database damaged and copied everything into a fresh one: all ${saved} were saved, none lost.${aside}` };
  }
  const lostText = lost === null ? 'an unknown number could not be read' : `${lost} could not be read and ${lost === 1 ? 'is' : 'are'} lost`;
  return { key, severity: 'error', message: `Dormouse found its database damaged: ${saved} saved into a fresh database, ${lostText}.${aside}` };
}
