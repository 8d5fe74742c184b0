// The words and small rules behind the memory actions (ui side: recall/memory-actions.ts).
import type { ForgetTarget, MemoryRecord } from '../../shared/protocol';
import { formatDate, formatClock } from './relative-time';

/**
 * The command line of a terminal memory. The daemon stores `<command>\nexit code: N[\ncwd: D]`
 * (capture-worker.ts), so everything before the trailing exit-code line is the command, however
 * many lines it has.
 */
export function commandLineOf(memory: Pick<MemoryRecord, 'content' | 'title'>): string {
  const m = /^([\s\S]*?)\nexit code: [^\n]*(?:\ncwd: [^\n]*)?$/.exec(memory.content);
  return (m ? m[1]! : memory.content || memory.title).trim();
}

export interface ForgetPrompt {
  message: string;
  detail: string;
  button: string;
}

/** The modal's words for each forget target; `label` names the memory or file the user picked. */
export function forgetPrompt(target: ForgetTarget, label: string | undefined, now: number): ForgetPrompt {
  const gone = 'It is deleted from disk (not only hidden) and cannot be undone.';
  if ('id' in target) return { message: `Forget ${label ? `"${label}"` : 'this memory'}?`, detail: gone, button: 'Forget' };
  if ('path' in target) {
    return { message: `Forget every memory of ${label ?? target.path}?`, detail: `Every snapshot and selection of ${target.path}. ${gone.replace('It is', 'They are')}`, button: 'Forget all of this file' };
  }
  if ('before' in target) {
    return {
      message: `Forget everything captured before ${formatDate(target.before, now)} ${formatClock(target.before)}?`,
      detail: gone.replace('It is', 'They are'),
      button: 'Forget older memories',
    };
  }
  return { message: 'Forget every memory?', detail: `Everything Dormouse remembers, of every workspace. ${gone.replace('It is', 'They are')}`, button: 'Forget everything' };
}

/** "everything older than…" choices of Dormouse: Forget…, as ages in days. */
export const FORGET_AGES: ReadonlyArray<{ label: string; days: number }> = [
  { label: 'older than a day', days: 1 },
  { label: 'older than a week', days: 7 },
  { label: 'older than 30 days', days: 30 },
  { label: 'older than 90 days', days: 90 },
];
