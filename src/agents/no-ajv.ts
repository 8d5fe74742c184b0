// Bundled in place of the MCP SDK's ajv-provider (esbuild.mjs): the SDK's Server builds an Ajv
// JSON-schema validator by default, used only to check elicitation answers, which Dormouse never
// asks for. createMcpServer passes its own validator, so this class is never constructed; leaving
// ajv, ajv-formats and fast-uri out saves ~130 KB of dist/cli.js.
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('Dormouse bundles no Ajv: pass a jsonSchemaValidator to the MCP Server');
  }
}
