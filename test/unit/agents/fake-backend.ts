// An in-memory stand-in for the daemon's recallWithNote/memory/related methods, recording every request.
import type { MemoryRecord, Params, RecallAnswer, RecallHit, RelatedMemories, Result } from '../../../src/shared/protocol';
import type { AgentBackend, AgentMethod } from '../../../src/agents/tools';

export class FakeBackend implements AgentBackend {
  readonly calls: Array<{ method: AgentMethod; params: unknown }> = [];
  hits: RecallHit[] = [];
  /** recallWithNote's note (set: a shared store the daemon could not reach). */
  note: string | null = null;
  memories = new Map<number, MemoryRecord>();
  /** Other machines' memories (a shared store), keyed `<machine id>:<id>`. */
  machineMemories = new Map<string, MemoryRecord>();
  history: RecallHit[] = [];
  failWith: Error | null = null;

  async request<M extends AgentMethod>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push({ method, params });
    if (this.failWith) throw this.failWith;
    if (method === 'recallWithNote') {
      const p = params as Params<'recallWithNote'>;
      const offset = p.offset ?? 0;
      const answer: RecallAnswer = { hits: this.hits.slice(offset, offset + (p.limit ?? 20)), note: this.note };
      return answer;
    }
    if (method === 'memory') {
      const p = params as Params<'memory'>;
      return (p.machineId === undefined ? this.memories.get(p.id) : this.machineMemories.get(`${p.machineId}:${p.id}`)) ?? null;
    }
    const related: RelatedMemories = { path: (params as Params<'related'>).path, hits: [], history: this.history, computedAt: new Date(0).toISOString() };
    return related;
  }
}

export function hit(id: number, over: Partial<RecallHit> = {}): RecallHit {
  return { id, kind: 'file', path: `/p/file${id}.ts`, title: `file${id}.ts`, capturedAt: new Date(Date.UTC(2025, 5, 1, 12, 0, id)).toISOString(), snippet: `the [retry] ${id}`, score: 1, ...over };
}

export function memory(id: number, content: string, over: Partial<MemoryRecord> = {}): MemoryRecord {
  const at = new Date(Date.UTC(2025, 5, 1, 12, 0, id)).toISOString();
  return { id, kind: 'file', path: `/p/file${id}.ts`, title: `file${id}.ts`, language: 'typescript', note: null, exitCode: null, content, capturedAt: at, updatedAt: at, ...over };
}
