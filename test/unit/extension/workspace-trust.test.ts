// Nothing is captured from an untrusted workspace: no save, no terminal command. A real untrusted
// window checks the save (test/e2e/untrusted-window.mjs, a second code-server in Restricted Mode);
// a terminal command there is not checked, because whether shell integration (which the capture
// needs) runs in Restricted Mode would decide the outcome, not the gate. So here EditorCaptures
// runs against a stand-in for the three parts of the vscode API it touches, with isTrusted false
// and then true (the control: the same events are captured, so the check could fail). What
// differs from a real window: VS Code's trust model itself (Restricted Mode) is not involved.
import { describe, expect, it, vi } from 'vitest';
import { editorCaptures } from './editor-captures-fixture';

const { workspace } = vi.hoisted(() => ({
  workspace: {
    isTrusted: false,
    onDidSaveTextDocument: () => ({ dispose() {} }),
    fs: { stat: async () => ({ size: 10 }) },
  },
}));
vi.mock('vscode', () => ({
  workspace,
  window: { onDidEndTerminalShellExecution: () => ({ dispose() {} }) },
}));

/** A save of /ws/a.ts and an ended `echo hi` in /ws, as the two events that could capture. */
function captures() {
  const { submitted, save, command } = editorCaptures();
  return { submitted, save: () => save('/ws/a.ts'), command: () => command('/ws', 'echo hi') };
}

describe('workspace trust', () => {
  it('an untrusted workspace captures no save and no terminal command', async () => {
    workspace.isTrusted = false;
    const { submitted, save, command } = captures();
    await save();
    command();
    expect(submitted).toEqual([]);
  });

  it('the same save and command are captured once the workspace is trusted', async () => {
    workspace.isTrusted = true;
    const { submitted, save, command } = captures();
    await save();
    command();
    expect(submitted.map((j) => (j.payload as { type: string }).type)).toEqual(['file', 'terminal']);
  });
});
