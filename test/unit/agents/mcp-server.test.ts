// The MCP server in-process over the SDK's in-memory transport: the same tools, schemas and
// answers as tools.ts, and the memory resource.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMcpServer, zodInputSchema } from '../../../src/agents/mcp-server';
import { TOOL_DEFINITIONS } from '../../../src/agents/tools';
import { FakeBackend, memory } from './fake-backend';

async function connected(backend = new FakeBackend()) {
  const server = createMcpServer({ backend, version: '0.0.0-test' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 't', version: '0' });
  await client.connect(b);
  return { client, backend };
}

describe('MCP server', () => {
  it('advertises exactly the tool definitions: names, descriptions, JSON schemas', async () => {
    const { client } = await connected();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_DEFINITIONS.map((t) => t.name));
    for (const def of TOOL_DEFINITIONS) {
      const t = tools.find((x) => x.name === def.name)!;
      expect(t.description).toBe(def.description);
      expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(Object.keys(t.inputSchema.properties ?? {})).toEqual(Object.keys(def.inputSchema.properties));
      expect([...(t.inputSchema.required ?? [])].sort()).toEqual([...def.inputSchema.required].sort());
      for (const [key, prop] of Object.entries(def.inputSchema.properties)) {
        const got = (t.inputSchema.properties as Record<string, Record<string, unknown>>)[key]!;
        expect(got.description, `${def.name}.${key}`).toBe(prop.description);
        if (prop.type === 'integer') expect(got.type).toBe('integer');
        if ('enum' in prop && prop.enum) expect(got.enum).toEqual(prop.enum);
      }
    }
  });

  it('the zod schema rejects unknown arguments, like the JSON schema says', () => {
    const schema = zodInputSchema(TOOL_DEFINITIONS[0]!);
    expect(schema.safeParse({ query: 'x' }).success).toBe(true);
    expect(schema.safeParse({ query: 'x', extra: 1 }).success).toBe(false);
    expect(schema.safeParse({ query: 'x', limit: 0 }).success).toBe(false);
  });

  it('serves dormouse://memory/{id} as the get_memory answer; an unknown id is an error', async () => {
    const backend = new FakeBackend();
    backend.memories.set(12, memory(12, 'hello agent'));
    const { client } = await connected(backend);
    const r = await client.readResource({ uri: 'dormouse://memory/12' });
    expect((r.contents[0] as { text: string }).text).toMatch(/untrusted captured content[^]*hello agent/);
    await expect(client.readResource({ uri: 'dormouse://memory/13' })).rejects.toThrow(/no memory has id 13/);
  });

  it("serves another machine's memory as dormouse://memory/<machine>:<id>, plain or percent-encoded", async () => {
    const backend = new FakeBackend();
    backend.memories.set(12, memory(12, 'this machine'));
    backend.machineMemories.set('desktop-0123456789ab:12', memory(12, 'the desktop'));
    const { client } = await connected(backend);
    for (const uri of ['dormouse://memory/desktop-0123456789ab:12', 'dormouse://memory/desktop-0123456789ab%3A12']) {
      const r = await client.readResource({ uri });
      expect((r.contents[0] as { text: string }).text).toContain('the desktop');
    }
    await expect(client.readResource({ uri: 'dormouse://memory/desktop:x' })).rejects.toThrow(/positive integer, or <machine>:<id>/);
  });

  it('get_memory takes an integer id or the <machine>:<id> string in the zod schema too', () => {
    const schema = zodInputSchema(TOOL_DEFINITIONS.find((t) => t.name === 'dormouse_get_memory')!);
    expect(schema.safeParse({ id: 3 }).success).toBe(true);
    expect(schema.safeParse({ id: 'desktop-0123456789ab:3' }).success).toBe(true);
    expect(schema.safeParse({ id: 0 }).success).toBe(false);
    expect(schema.safeParse({ id: 'desktop:' }).success).toBe(false);
  });

  it('package.json contributes the same tools to VS Code, and the MCP provider', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { languageModelTools: Array<Record<string, unknown>>; mcpServerDefinitionProviders: unknown; configuration: { properties: Record<string, unknown> } };
      engines: { vscode: string };
    };
    const contributed = manifest.contributes.languageModelTools;
    expect(contributed.map((t) => t.name)).toEqual(TOOL_DEFINITIONS.map((t) => t.name));
    for (const def of TOOL_DEFINITIONS) {
      const t = contributed.find((x) => x.name === def.name)!;
      expect(t).toMatchObject({ displayName: def.title, modelDescription: def.description, userDescription: def.userDescription, toolReferenceName: def.toolReferenceName, canBeReferencedInPrompt: true });
      expect(t.inputSchema).toEqual(JSON.parse(JSON.stringify(def.inputSchema)));
    }
    expect(manifest.contributes.mcpServerDefinitionProviders).toEqual([{ id: 'dormouse.mcp', label: 'Dormouse' }]);
    expect(manifest.contributes.configuration.properties['dormouse.agentAccess']).toMatchObject({ type: 'boolean', default: true });
    expect(manifest.engines.vscode).toBe('^1.101.0');
  });
});
