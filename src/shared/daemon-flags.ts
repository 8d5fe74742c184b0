// Node flags every daemon process starts with (the CLI, the extension and the tests use these).
// --no-memory-reducer: V8's idle heuristic re-arms a timer every ~8 s while the heap could
//   shrink; in a hibernating daemon that was ~0.7 ms of CPU per 30 s, more than everything else
//   together, and hibernation promises zero timers. Measured (bench/, same run): 1.10 -> 0.37 ms
//   CPU per 30 s hibernated; idle RSS unchanged within noise.
// Tried and rejected: a full GC on entering hibernation (--expose-gc) cooled the wake path
// (p50 0.30 -> 0.52 ms); --lite-mode (-4 MB RSS) made the wake path 1.7x and the secret scan 4x
// slower; --max-semi-space-size=1 saved 0.5 MB of idle RSS (62.9 -> 62.4 MB, quick bench, 2026-12-02).
export const DAEMON_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];
