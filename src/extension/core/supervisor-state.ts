// The daemon supervisor's explicit states, in the style of vscode-languageclient's State enum.
//
//   stopped ──start()──▶ starting ──connected──▶ running
//      ▲                    │  ▲                    │ unexpected disconnect, or 3 failed probes
//      │                    │  └──restart (budget)──┤
//      │                    ▼                       ▼
//   stopping ◀──stop()── (any)                   crashed ──budget spent──▶ given-up
//
// `stop()` only disconnects this window: the daemon is shared by every window of the user.
export type SupervisorState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'given-up';
