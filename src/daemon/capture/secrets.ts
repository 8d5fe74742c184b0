// Content check run before anything is stored: a capture that looks like it carries a secret is
// skipped whole. Returns the first finding's kind and 1-based line, never the matched text, so
// callers can log it safely.
//
// Rules are tuned for few false positives on ordinary code: named token formats first (exact
// prefixes, secret-formats.ts) and URLs with a password (url-password.ts), each one pass over
// the whole content; then, line by line up to the first such finding, `password=`-style
// assignments whose value looks like a literal credential, then a high-entropy check over long
// base64-ish runs. Measured on test/fixtures/secrets (bench/secrets-bench.ts).
import { type NamedSecretKind, firstNamedFormat } from './secret-formats';
import { firstUrlPassword } from './url-password';

export type SecretKind = NamedSecretKind | 'url-with-password' | 'credential-assignment' | 'high-entropy-string';

export interface SecretFinding {
  kind: SecretKind;
  line: number;
}

// An assignment of a literal to a credential-named key (password, api key, token, secret...).
// The value must be a literal of >= 8 chars with no spaces or template/reference syntax, and
// contain a digit or a symbol, and not be a path: that keeps `token = getToken()`, `password: process.env.PW` and `type: "access_token"`
// out while catching the usual hard-coded credential.
// Found keyword-first and matched with bounded quantifiers from there: the former single regex
// (`[\w.-]*(?:password|…)[\w.-]*…`) backtracked quadratically on long word runs (100 KB of
// letters took ~10 s and froze the daemon's event loop).
const ASSIGNMENT_KEYWORD = /password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?/gi;
const ASSIGNMENT_TAIL =
  /[\w.-]{0,64}["']?\s{0,16}(?::|=|:=)\s{0,16}(?:(["'`])([^\s"'`$<>{}]{8,512})\1|([A-Za-z0-9+/=_!@#%^&*~-]{8,512})\s*[;,]?\s*$)/iy;

// Candidate runs for the entropy check: base64/base64url alphabets, 32-256 chars (longer runs are
// embedded binary blobs such as wasm or images, not credentials). The lookbehind starts a match
// only where a run starts (without it every position of every word was tried: 2x the scan time).
const RUN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{32,}/g;
const MIN_RUN = 32;
const MAX_RUN = 256;
const MAX_ENTROPY_LINE = 1000;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;

export function findSecret(content: string): SecretFinding | null {
  const named = earliest(firstNamedFormat(content), firstUrlPassword(content));
  // The line rules run on the lines before the first named finding; on its own line it wins.
  const namedLine = named ? lineOf(content, named.index) : Infinity;
  const lines = content.split('\n', Number.isFinite(namedLine) ? namedLine - 1 : undefined);
  for (let i = 0; i < lines.length; i++) {
    const kind = checkLine(lines[i] ?? '');
    if (kind) return { kind, line: i + 1 };
  }
  return named ? { kind: named.kind, line: namedLine } : null;
}

function earliest(format: { kind: NamedSecretKind; index: number } | null, urlIndex: number): { kind: SecretKind; index: number } | null {
  if (urlIndex >= 0 && (format === null || urlIndex < format.index)) return { kind: 'url-with-password', index: urlIndex };
  return format;
}

function lineOf(content: string, index: number): number {
  let line = 1;
  for (let at = content.indexOf('\n'); at !== -1 && at < index; at = content.indexOf('\n', at + 1)) line++;
  return line;
}

function checkLine(line: string): SecretKind | null {
  if (line.length < 8) return null;
  if (hasCredentialAssignment(line)) return 'credential-assignment';
  // Long lines are minified or generated code, and URLs carry document ids: both are full of
  // random-looking runs that are not credentials (named formats above still apply to them).
  if (line.length < MIN_RUN || line.length > MAX_ENTROPY_LINE) return null;
  const text = line.includes('://') ? line.replace(URL, ' ') : line;
  for (const run of text.matchAll(RUN)) {
    if (isHighEntropy(run[0], text.slice(Math.max(0, (run.index ?? 0) - 7), run.index))) return 'high-entropy-string';
  }
  return null;
}

function hasCredentialAssignment(line: string): boolean {
  for (const keyword of line.matchAll(ASSIGNMENT_KEYWORD)) {
    ASSIGNMENT_TAIL.lastIndex = (keyword.index ?? 0) + keyword[0].length;
    const m = ASSIGNMENT_TAIL.exec(line);
    if (!m) continue;
    const value = m[2] ?? m[3] ?? '';
    // Paths ("./lib/x.js", "/Users/me") are not credentials.
    if (!/^[./~]/.test(value) && /[0-9]|[^A-Za-z0-9_.-]/.test(value)) return true;
  }
  return false;
}

/**
 * A random-looking token: mixed letters and digits, Shannon entropy near the maximum for its
 * length, and short lowercase runs. The last feature separates random base64 (lowercase runs
 * average ~1.7 chars) from long camelCase/snake_case identifiers and paths (runs of whole words,
 * ~4+), which can score as high on entropy alone.
 */
function isHighEntropy(run: string, before: string): boolean {
  // Hex (git SHAs, content hashes, UUIDs) is data we cannot tell apart from a hex credential.
  if (run.length > MAX_RUN || /^[0-9a-fA-F-]+$/.test(run)) return false;
  // Subresource/lockfile integrity hashes and data: URIs are expected base64.
  if (/^sha(?:1|256|384|512)-/.test(run) || /base64,$/.test(before)) return false;
  if (!/[0-9]/.test(run) || !/[A-Za-z]/.test(run)) return false;
  if (shannonEntropy(run) < ENTROPY_FACTOR * Math.log2(Math.min(run.length, 64))) return false;
  if (meanLowercaseRun(run) > MAX_MEAN_LOWERCASE_RUN) return false;
  // Alphabet tables ("ABC...xyz0123456789+/") are maximal-entropy but not secret.
  return sequentialPairs(run) < run.length / 2;
}

const ENTROPY_FACTOR = 0.8;
const MAX_MEAN_LOWERCASE_RUN = 2.6;

function meanLowercaseRun(s: string): number {
  const runs = s.match(/[a-z]+/g) ?? [];
  return runs.length === 0 ? 0 : runs.reduce((n, r) => n + r.length, 0) / runs.length;
}

function sequentialPairs(s: string): number {
  let n = 0;
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) === 1) n++;
  return n;
}

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
