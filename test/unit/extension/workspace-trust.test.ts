// Nothing is captured from an untrusted workspace: no save, no terminal command. A real untrusted
// window checks the save (test/e2e/untrusted-window.mjs, a second code-server in Restricted Mode);
// a terminal command there is not checked, because whether shell integration (which the capture
// needs) runs in Restricted Mode would decide the outcome, not the gate. So here EditorCaptures
// runs against a stand-in for the three parts of the vscode API it touches, with isTrusted false
// and then true (the control: the same events are captured, so the check could fail). What
// differs from a real window: VS Code's trust model itself (Restricted Mode) is not involved.
import { describe, expect, it, vi } from 'vitest';
import { EditorCaptures } from '../../../src/extension/capture/editor-captures';
import { ManualClock } from '../../../src/shared/clock';
import type { JobInput } from '../../../src/shared/protocol';

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

function captures() {
  const submitted: JobInput[] = [];
  const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
  const editor = new EditorCaptures({
    submit: (job: JobInput) => void submitted.push(job),
    policy: () => ({ captureOnSave: true, captureTerminalCommands: true, excludes: [], maxBytes: 1_000_000 }),
    blocked: () => null,
    shared: () => false,
    log: log,
    clock: new ManualClock(),
  });
  const save = () => editor.onSave({ uri: { scheme: 'file', fsPath: '/ws/a.ts' }, languageId: 'typescript' } as never);
  const command = () =>
    editor.onTerminalCommand({ execution: { commandLine: { value: 'echo hi' }, cwd: { scheme: 'file', fsPath: '/ws' } }, exitCode: 0 } as never);
  return { submitted, save, command };
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
