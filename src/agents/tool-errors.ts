// A tool call the agent got wrong (bad arguments, unknown id, nothing searchable): answered as an
// error result with this message, never as an empty success.
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}
