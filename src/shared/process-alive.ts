// Whether a process with this pid still runs, by signal 0 (checks without signalling).
// ESRCH: gone. EPERM: the pid now belongs to another user's process, so the one we knew is gone too.
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
