// How many lines changed between two versions of a file: Myers' O((N+M)D) shortest edit script,
// counting only (no hunks). File history shows "+12 -3" per stored version with it. Common prefix
// and suffix are stripped first (a save usually touches a few lines); an edit script longer than
// `maxEdits` is not searched further: the counts are then an upper bound from the line multisets,
// flagged `approximate`.

export interface LineChange {
  added: number;
  removed: number;
  /** True when the diff gave up (more than maxEdits edits) and the counts come from line multisets. */
  approximate: boolean;
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line, it is not one more
  return lines;
}

export function countLineChanges(before: string, after: string, maxEdits = 4000): LineChange {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return { added: m, removed: n, approximate: false };
  const d = editDistance(a, start, n, b, start, m, maxEdits);
  if (d === null) return { ...multisetChanges(a.slice(start, endA), b.slice(start, endB)), approximate: true };
  // d = added + removed and n - removed = m - added (the common lines).
  const removed = (d + n - m) / 2;
  return { added: d - removed, removed, approximate: false };
}

/** Myers: the length of the shortest edit script (insertions + deletions), or null past maxEdits. */
function editDistance(a: string[], a0: number, n: number, b: string[], b0: number, m: number, maxEdits: number): number | null {
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return null;
}

function multisetChanges(a: string[], b: string[]): { added: number; removed: number } {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of b) {
    const c = counts.get(line) ?? 0;
    if (c > 0) counts.set(line, c - 1);
    else added++;
  }
  let removed = 0;
  for (const c of counts.values()) removed += c;
  return { added, removed };
}
