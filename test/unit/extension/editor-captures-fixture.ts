// EditorCaptures with what it submits recorded, and a save and an ended terminal command to feed
// it, for tests that run it against a stand-in for the vscode API (each test file mocks `vscode`
// itself: workspace-trust.test.ts, share-with-team.test.ts). `shared`: which resources' workspaces
// have dormouse.shareWithTeam on (none by default).
import { type EditorCapturesOptions, EditorCaptures } from '../../../src/extension/capture/editor-captures';
import { ManualClock } from '../../../src/shared/clock';
import type { JobInput } from '../../../src/shared/protocol';

export function editorCaptures(shared: EditorCapturesOptions['shared'] = () => false) {
  const submitted: JobInput[] = [];
  const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
  const editor = new EditorCaptures({
    submit: (job: JobInput) => void submitted.push(job),
    policy: () => ({ captureOnSave: true, captureTerminalCommands: true, excludes: [], maxBytes: 1_000_000 }),
    blocked: () => null,
    shared,
    log,
    clock: new ManualClock(),
  });
  const save = (fsPath: string) => editor.onSave({ uri: { scheme: 'file', fsPath }, languageId: 'typescript' } as never);
  const command = (cwd: string, commandLine = 'make') =>
    editor.onTerminalCommand({ execution: { commandLine: { value: commandLine }, cwd: { scheme: 'file', fsPath: cwd } }, exitCode: 0 } as never);
  return { submitted, save, command };
}
