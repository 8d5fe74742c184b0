// `dormouse store init --url URL [--grant ROLE ...]`: sets up the shared PostgreSQL store directly
// (no daemon needed). Exit 0 with what was applied; 2 when the URL, password or rights are wrong
// (retrying will not help); 1 when the server cannot be reached.
import { initSharedStore } from '../../daemon/shared-store/init-store';
import { describeStoreFailure } from '../../daemon/shared-store/store-errors';
import { redactUrl } from '../../daemon/shared-store/store-url';
import { type CliContext, CliError, printJson } from '../context';

export async function storeCommand(ctx: CliContext, opts: { url: string; grants: string[] }): Promise<number> {
  let result;
  try {
    result = await initSharedStore({ url: opts.url, grants: opts.grants, env: ctx.env, dataDir: ctx.paths.dataDir });
  } catch (err) {
    const failure = describeStoreFailure(err);
    throw new CliError(failure.configuration ? 2 : 1, `store init ${redactUrl(opts.url)}: ${failure.message}`, failure.configuration ? 'STORE_CONFIG' : 'STORE_UNREACHABLE');
  }
  if (ctx.json) {
    printJson(ctx, { store: result });
    return 0;
  }
  const applied = result.applied.length > 0 ? `applied ${result.applied.join(', ')}` : 'already up to date';
  ctx.io.stdout(`shared store schema version ${result.to} (${applied})\n`);
  if (!result.teamRole) ctx.io.stdout('no team role (this role may not create roles): memories stay private to their owner\n');
  for (const role of result.granted) ctx.io.stdout(`granted ${role}: member of dormouse_team\n`);
  return 0;
}
