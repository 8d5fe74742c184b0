// Exclude globs (settings.captureExcludes) compiled once into one matcher. Capture receives
// absolute paths but users write workspace-relative globs (`src/generated/**`) as well as `**/x`
// ones, and we do not know the workspace root here; so a path is excluded when the pattern matches
// the path itself or any of its trailing sub-paths (`a/b/c`, `b/c`, `c`). dot: true so `**/.env`
// and `**/.git/**` see dotfiles and dot-directories.
import picomatch from 'picomatch';

export type ExcludeMatcher = (path: string) => boolean;

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  if (patterns.length === 0) return () => false;
  const isMatch = picomatch([...patterns], { dot: true });
  return (path) => {
    const parts = path.replace(/\\/g, '/').split('/').filter((p) => p.length > 0);
    for (let i = 0; i < parts.length; i++) {
      if (isMatch(parts.slice(i).join('/'))) return true;
    }
    return false;
  };
}

/** Recompiles only when the pattern list changes (settings reloads are rare, captures are not). */
export class ExcludeCache {
  private key: string | null = null;
  private matcher: ExcludeMatcher = () => false;

  get(patterns: readonly string[]): ExcludeMatcher {
    const key = JSON.stringify(patterns);
    if (key !== this.key) {
      this.matcher = compileExcludes(patterns);
      this.key = key;
    }
    return this.matcher;
  }
}
