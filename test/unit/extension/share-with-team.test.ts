// dormouse.shareWithTeam is read per capture, for the captured resource's workspace: a capture
// from a workspace with it on carries `shared: true`; one from a workspace with it off carries no
// flag at all (the payload an older daemon accepts). EditorCaptures runs against a stand-in for the
// parts of the vscode API it touches (as in workspace-trust.test.ts); the daemon side, the flag
// reaching the team in a real Postgres, is test/integration/shared-store/share-with-team.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { JobInput } from '../../../src/shared/protocol';
import { editorCaptures } from './editor-captures-fixture';

vi.mock('vscode', () => ({
  workspace: { isTrusted: true, onDidSaveTextDocument: () => ({ dispose() {} }), fs: { stat: async () => ({ size: 10 }) } },
  window: { onDidEndTerminalShellExecution: () => ({ dispose() {} }) },
}));

const captures = (sharedWorkspace: string) => editorCaptures((resource) => resource?.fsPath.startsWith(sharedWorkspace) ?? false);

const flags = (jobs: JobInput[]) => jobs.map((j) => (j.payload as { shared?: boolean }).shared);

describe('dormouse.shareWithTeam marks each capture', () => {
  it('a save and a command in a workspace with shareWithTeam on are marked shared', async () => {
    const { submitted, save, command } = captures('/team');
    await save('/team/a.ts');
    command('/team');
    expect(flags(submitted)).toEqual([true, true]);
  });

  it('captures from a workspace with it off carry no flag (private, and valid for older daemons)', async () => {
    const { submitted, save, command } = captures('/team');
    await save('/mine/a.ts');
    command('/mine');
    expect(submitted.map((j) => 'shared' in j.payload)).toEqual([false, false]);
  });
});
