/**
 * One turn of the event loop (setImmediate, not a timer): work split into slices lets I/O flow
 * between them: a socket's pending writes and replies, the extension host's other events. No time
 * passes that a clock could drive, and nothing stays armed.
 */
export const yieldTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
