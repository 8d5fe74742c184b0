// Content check run before anything is stored: a capture that looks like it carries a secret is
// skipped whole. Returns the first finding's kind and 1-based line, never the matched text, so
// callers can log it safely.
//
// Rules are tuned for few false positives on ordinary code: named token formats first (exact
// prefixes), then `password=`-style assignments whose value looks like a literal credential,
// then a high-entropy check over long base64-ish runs.

export type SecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'stripe-key'
  | 'google-api-key'
  | 'jwt'
  | 'credential-assignment'
  | 'high-entropy-string';

export interface SecretFinding {
  kind: SecretKind;
  line: number;
}

const PATTERNS: ReadonlyArray<readonly [SecretKind, RegExp]> = [
  ['private-key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/],
  ['aws-access-key', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b/],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/],
  ['gitlab-token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['slack-token', /\bxox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/],
  ['stripe-key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/],
  ['google-api-key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
];

// `password = "s3cr3t..."`, `DB_PASSWORD=hunter22`, `"api_key": "..."`. The value must be a
// literal of >= 8 chars with no spaces or template/reference syntax, and contain a digit or a
// symbol, and not be a path: that keeps `token = getToken()`, `password: process.env.PW` and `type: "access_token"`
// out while catching the usual hard-coded credential.
// Found keyword-first and matched with bounded quantifiers from there: the former single regex
// (`[\w.-]*(?:password|…)[\w.-]*…`) backtracked quadratically on long word runs (100 KB of
// letters took ~10 s and froze the daemon's event loop).
const ASSIGNMENT_KEYWORD = /password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?/gi;
const ASSIGNMENT_TAIL =
  /[\w.-]{0,64}["']?\s{0,16}(?::|=|:=)\s{0,16}(?:(["'`])([^\s"'`$<>{}]{8,512})\1|([A-Za-z0-9+/=_!@#%^&*~-]{8,512})\s*[;,]?\s*$)/iy;

// Candidate runs for the entropy check: base64/base64url alphabets, 32-256 chars (longer runs are
// embedded binary blobs such as wasm or images, not credentials).
const RUN = /[A-Za-z0-9+/=_-]{32,}/g;
const MAX_RUN = 256;
const MAX_ENTROPY_LINE = 1000;
const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;

export function findSecret(content: string): SecretFinding | null {
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const kind = checkLine(lines[i] ?? '');
    if (kind) return { kind, line: i + 1 };
  }
  return null;
}

function checkLine(line: string): SecretKind | null {
  for (const [kind, re] of PATTERNS) if (re.test(line)) return kind;
  if (hasCredentialAssignment(line)) return 'credential-assignment';
  // Long lines are minified or generated code, and URLs carry document ids: both are full of
  // random-looking runs that are not credentials (named formats above still apply to them).
  if (line.length > MAX_ENTROPY_LINE) return null;
  const text = line.replace(URL, ' ');
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

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
