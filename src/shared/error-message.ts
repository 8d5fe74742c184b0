// One wording for "what went wrong" wherever a caught value becomes text. A catch clause receives
// `unknown`: a thrown string or object must still read as itself, never as "undefined".

/** The message of an Error, else the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** For logs: the stack of an Error (where it came from), else its message, else the thrown value as text. */
export function errorStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
