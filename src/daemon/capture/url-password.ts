// A URL that carries a password in its user info: `postgres://admin:<password>@db/app`,
// `redis://default:<password>@cache`, `https://user:<password>@host`. Database and broker URLs
// are the common case: they sit in code, compose files and .env files, and no prefix marks them.
//
// Placeholders are not passwords: template references (`${DB_PASSWORD}`, `<password>`, `%s`),
// a password equal to the user name (`postgres:postgres@`, the local test default), the usual
// stand-in words, passwords under 4 characters (`a:b`, `foo:bar` in URL parser tests) and hosts
// of the documentation domains (`example.com`, `*.example`: RFC 2606). They appear in docs, tests
// and dev configs, where refusing the file would lose it.

// `://user:password@host`: the literal `://` first, so the engine skips ahead; bounded parts.
const USERINFO = /:\/\/([^\s:@/'"`]{0,256}):([^\s@/'"`]{1,256})@([^\s/'"`:?#]{1,256})/g;
const MIN_PASSWORD = 4;
const EXAMPLE_HOST = /(?:^|\.)example(?:\.(?:com|org|net))?$/i;
const TEMPLATE = /^[$<{%[(]|^\*+$|^x+$|^\.+$/i;
const STAND_INS = new Set(['password', 'passwd', 'pass', 'pwd', 'secret', 'changeme', 'example', 'placeholder', 'your-password', 'yourpassword', 'mypassword']);

/** The offset of the first URL with a real-looking password, or -1. */
export function firstUrlPassword(content: string): number {
  USERINFO.lastIndex = 0;
  for (let m = USERINFO.exec(content); m !== null; m = USERINFO.exec(content)) {
    const [, user = '', password = '', host = ''] = m;
    if (!isPlaceholder(user, password) && !EXAMPLE_HOST.test(host)) return m.index;
    USERINFO.lastIndex = m.index + 3;
  }
  return -1;
}

function isPlaceholder(user: string, password: string): boolean {
  if (password.length < MIN_PASSWORD || TEMPLATE.test(password) || password === user) return true;
  return STAND_INS.has(password.toLowerCase());
}
