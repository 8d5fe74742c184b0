// Named credential formats: fixed prefixes or fixed shapes that issuers chose so that scanners
// (gitleaks, GitHub secret scanning) can find them with next to no false positives. Each pattern
// is run once over the whole content (global, bounded quantifiers, a literal or a narrow class
// first so the regex engine skips ahead fast), so adding a format costs one pass, not one per line.
//
// Formats without a prefix (an AWS secret key, a Twilio auth token, a Heroku key) are left to the
// assignment rule in secrets.ts, which sees their variable name.

export type NamedSecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'discord-token'
  | 'telegram-bot-token'
  | 'twilio-api-key'
  | 'sendgrid-api-key'
  | 'mailgun-api-key'
  | 'stripe-key'
  | 'square-token'
  | 'shopify-token'
  | 'google-api-key'
  | 'azure-storage-key'
  | 'digitalocean-token'
  | 'vault-token'
  | 'npm-token'
  | 'pypi-token'
  | 'openai-api-key'
  | 'anthropic-api-key'
  | 'huggingface-token'
  | 'jwt';

/** A format: its kind, its pattern, and optionally a check of each match the pattern cannot express. */
export type NamedFormat = readonly [NamedSecretKind, RegExp, ((match: string) => boolean)?];

// A Discord bot token starts with the bot's user id (a 17-20 digit snowflake) in base64: checked
// by decoding, so dotted identifiers of the same shape (`SomeLongIdentifier.length.other`) pass.
const discordUserId = (match: string) => match.includes('/') || /^\d{17,20}$/.test(Buffer.from(match.slice(0, match.indexOf('.')), 'base64').toString('latin1'));

const NAMED_FORMATS: ReadonlyArray<NamedFormat> = [
  ['private-key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g],
  ['aws-access-key', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b/g],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g],
  ['gitlab-token', /\bgl(?:pat|dt|ptt|rt|cbt|oas)-[A-Za-z0-9_-]{20,255}/g],
  ['slack-token', /\bxox[abposre]-[A-Za-z0-9-]{10,255}|\bxapp-\d-[A-Z0-9]{8,32}-\d{6,16}-[a-z0-9]{32,80}|hooks\.slack\.com\/(?:services|workflows)\/T[A-Za-z0-9]{1,32}\/[AB][A-Za-z0-9]{1,32}\/[A-Za-z0-9]{8,64}/g],
  ['discord-token', /\b[MNO][A-Za-z0-9]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b|discord(?:app)?\.com\/api\/webhooks\/\d{5,30}\/[A-Za-z0-9_-]{60,80}/g, discordUserId],
  ['telegram-bot-token', /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g],
  ['twilio-api-key', /\bSK[0-9a-fA-F]{32}\b/g],
  ['sendgrid-api-key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g],
  ['mailgun-api-key', /\bkey-[0-9a-f]{32}\b/g],
  ['stripe-key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}\b/g],
  ['square-token', /\b(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})\b/g],
  ['shopify-token', /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g],
  ['google-api-key', /\bAIza[0-9A-Za-z_-]{35}/g],
  ['azure-storage-key', /AccountKey=[A-Za-z0-9+/]{86}==/g],
  ['digitalocean-token', /\bdo[opr]_v1_[a-f0-9]{64}\b/g],
  ['vault-token', /\bhv[sbr]\.[A-Za-z0-9_-]{24,255}/g],
  ['npm-token', /\bnpm_[A-Za-z0-9]{36}\b/g],
  ['pypi-token', /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,255}/g],
  ['openai-api-key', /\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}/g],
  ['anthropic-api-key', /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}/g],
  ['huggingface-token', /\bhf_[A-Za-z0-9]{34}\b/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g],
];

/** The first named format in `content`: its kind and offset, or null. */
export function firstNamedFormat(content: string): { kind: NamedSecretKind; index: number } | null {
  let best: { kind: NamedSecretKind; index: number } | null = null;
  for (const [kind, re, verify] of NAMED_FORMATS) {
    re.lastIndex = 0;
    let m = re.exec(content);
    while (m && verify && !verify(m[0])) m = re.exec(content);
    if (m && (best === null || m.index < best.index)) best = { kind, index: m.index };
  }
  return best;
}
