// A memory larger than the IPC message limit could be stored (the daemon reads captured files
// itself, up to captureMaxBytes) but never sent back. Rather than fail the request, its content
// is cut to fit, at a character boundary, and marked truncated so the client can say so.
import type { MemoryRecord } from '../../shared/protocol';

/** Room kept for the envelope and the other fields (JSON escaping can grow text too). */
const ENVELOPE_BYTES = 64 * 1024;

export function fitMemoryToMessage(memory: MemoryRecord, maxMessageBytes: number): MemoryRecord {
  const budget = Math.max(1024, maxMessageBytes - ENVELOPE_BYTES);
  // JSON escaping can double a byte (quotes, backslashes, control characters): measure the encoding.
  if (Buffer.byteLength(JSON.stringify(memory.content)) <= budget) return memory;
  let content = memory.content.slice(0, budget);
  for (let over = Buffer.byteLength(JSON.stringify(content)) - budget; over > 0 && content.length > 0; ) {
    // Each character costs at least one encoded byte: dropping `over` of them gets closer each time.
    content = content.slice(0, Math.max(0, content.length - over));
    over = Buffer.byteLength(JSON.stringify(content)) - budget;
  }
  // Do not end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(content)) content = content.slice(0, -1);
  return { ...memory, content, truncated: true };
}
