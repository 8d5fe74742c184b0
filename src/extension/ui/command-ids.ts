// Every command the extension contributes (package.json keeps the same list; a unit test checks).
export const COMMAND_IDS = {
  wake: 'dormouse.wake',
  hibernate: 'dormouse.hibernate',
  reloadConfig: 'dormouse.reloadConfig',
  restartDaemon: 'dormouse.restartDaemon',
  recall: 'dormouse.recall',
  captureSelection: 'dormouse.captureSelection',
  showLog: 'dormouse.showLog',
  openSettings: 'dormouse.openSettings',
  showActions: 'dormouse.showActions',
  openMemory: 'dormouse.openMemory',
  compareMemory: 'dormouse.compareMemory',
  focusView: 'dormouse.focusView',
  pauseCapture: 'dormouse.pauseCapture',
  resumeCapture: 'dormouse.resumeCapture',
  forget: 'dormouse.forget',
  forgetMemory: 'dormouse.forgetMemory',
  forgetFile: 'dormouse.forgetFile',
  restoreMemory: 'dormouse.restoreMemory',
  copyMemory: 'dormouse.copyMemory',
  rerunCommand: 'dormouse.rerunCommand',
  refreshTimeline: 'dormouse.refreshTimeline',
  timelineLoadMore: 'dormouse.timelineLoadMore',
  setupAgent: 'dormouse.setupAgent',
} as const;

export const ALL_COMMAND_IDS: readonly string[] = [...Object.values(COMMAND_IDS), 'dormouse.status.focus', 'dormouse.timeline.focus'];
