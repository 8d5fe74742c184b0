// A URL that carries a password in its user info: `postgres://admin:<password>@db/app`,
// `redis://default:<password>@cache`, `https://user:<password>@host`. Database and broker URLs
// are the common case: they sit in code, compose files and .env files, and no prefix marks them.
//
// Placeholders are not passwords: template references (`${DB_PASSWORD}`, `<password>`, `%s`),
// a password equal to the user name (`postgres:postgres@`, the local test default) and the usual
// stand-in words. They appear in docs and dev configs, where refusing the file would lose it.

// `://user:password@`: the literal `://` first, so the engine skips ahead; bounded parts.
const USERINFO = /:\/\/([^\s:@/'"`]{0,256}):([^\s@/'"`]{1,256})@[^\s/'"`]/g;
const TEMPLATE = /^[$<{%[(]|^\*+$|^x+$|^\.+$/i;
const STAND_INS = new Set(['password', 'passwd', 'pass', 'pwd', 'secret', 'changeme', 'example', 'placeholder', 'your-password', 'yourpassword', 'mypassword']);

/** The offset of the first URL with a real-looking password, or -1. */
export function firstUrlPassword(content: string): number {
  USERINFO.lastIndex = 0;
  for (let m = USERINFO.exec(content); m !== null; m = USERINFO.exec(content)) {
    const [, user = '', password = ''] = m;
    if (!isPlaceholder(user, password)) return m.index;
    USERINFO.lastIndex = m.index + 3;
  }
  return -1;
}

function isPlaceholder(user: string, password: string): boolean {
  if (TEMPLATE.test(password) || password === user) return true;
  return STAND_INS.has(password.toLowerCase());
}
