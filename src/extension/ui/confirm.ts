// "Are you sure?" before anything that changes or deletes something (Restore over unsaved
// changes, Re-run, Forget): a modal warning. VS Code refuses modal dialogs while it runs
// extension tests (its dialog service throws "refused to show dialog in tests"), so under
// DORMOUSE_TEST_HOOKS=1 (the e2e runner sets it) the same question is asked in a quick pick
// instead: the end-to-end tests still see the question and answer it through the real UI.
import * as vscode from 'vscode';

export interface Question {
  message: string;
  detail?: string;
  /** The button that goes ahead; anything else (Cancel, Escape) does not. */
  button: string;
}

export type Confirm = (question: Question) => Promise<boolean>;

export function createConfirm(testHooks: boolean): Confirm {
  if (!testHooks) {
    return async ({ message, detail, button }) =>
      (await vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, button)) === button;
  }
  return async ({ message, detail, button }) => {
    const picked = await vscode.window.showQuickPick(
      [{ label: button, description: message, detail }, { label: 'Cancel' }],
      { title: `Dormouse: ${message}`, placeHolder: message, ignoreFocusOut: true },
    );
    return picked?.label === button;
  };
}
