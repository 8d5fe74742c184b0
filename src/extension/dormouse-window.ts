// The composition root of one VS Code window: it builds each part once, wires their events,
// and owns them in one DisposableStore. Parts know nothing of each other; this file is the only
// place that does. Nothing here blocks activation on the daemon: the supervisor starts in the
// background and every part copes with "not connected yet".
import * as vscode from 'vscode';
import type { Clock } from '../shared/clock';
import { Emitter } from '../shared/event';
import { DisposableStore } from '../shared/lifecycle';
import { dataDirPaths, defaultDataDir } from '../shared/paths';
import type { Events, JobInput, MethodName, Params, RelatedMemories } from '../shared/protocol';
import { parseQuery } from '../shared/query-language';
import { raceTimeout } from '../shared/race-timeout';
import { defaultSettings } from '../shared/settings';
import type { DormouseApi } from './api';
import { registerAgentAccess } from './agents/agent-access';
import { CaptureSender } from './capture/capture-sender';
import { EditorCaptures } from './capture/editor-captures';
import { CapturePauseMemory, pauseEnd, pauseFromStatus } from './core/capture-pause';
import { EditorIdlePolicy } from './core/idle-policy';
import { type MemoryRef, memoryParams, memoryRef } from './core/memory-ref';
import { repairNotice } from './core/repair-notice';
import { formatUntil } from './core/relative-time';
import { TimelinePager, buildTimeline, memoryRevision } from './core/timeline-model';
import { type StatusPresentation, StatusTracker } from './core/status-presentation';
import { buildTree } from './core/tree-model';
import { daemonEnv } from './daemon/fork-daemon';
import { DaemonSupervisor } from './daemon/supervisor';
import { DaemonLogTail } from './log/daemon-log-tail';
import { channelLogger, createOutputLog } from './log/output-log';
import { MemoryActions } from './recall/memory-actions';
import { MEMORY_SCHEME, MemoryDocumentProvider, compareMemory, memoryKindOf, openMemory } from './recall/memory-documents';
import { RelatedRecall } from './recall/related-recall';
import { showRecallQuickPick } from './recall/recall-quick-pick';
import { SettingsSync } from './settings/settings-sync';
import { registerCommands } from './ui/commands';
import { DaemonTreeProvider } from './ui/daemon-tree';
import { createConfirm } from './ui/confirm';
import { chooseForgetTarget } from './ui/forget-menu';
import { DormouseStatusBar } from './ui/status-bar';
import { errorMessage } from '../shared/error-message';

const STOP_TIMEOUT_MS = 2000;

export class DormouseWindow implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly api: DormouseApi;
  private readonly supervisor: DaemonSupervisor;
  private readonly captures: CaptureSender;
  private presentationValue: StatusPresentation;
  private disposing: Promise<void> | null = null;

  /** `activationStartedAt` is `clock.monotonicNow()` when activate() began. */
  constructor(context: vscode.ExtensionContext, private readonly clock: Clock, activationStartedAt: number) {
    const store = this.store;
    const channel = store.add(createOutputLog());
    const log = channelLogger(channel);
    const dataDir = defaultDataDir(process.env);
    const paths = dataDirPaths(dataDir);
    const config = (scope?: vscode.Uri) => vscode.workspace.getConfiguration('dormouse', scope);
    /** Where a relative `in:` starts: the workspace folders. */
    const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

    const supervisor = (this.supervisor = store.add(
      new DaemonSupervisor({
        dataDir,
        daemonScript: context.asAbsolutePath('dist/daemon.js'),
        execPath: process.execPath,
        env: daemonEnv(process.env),
        clientName: `vscode-${process.pid}`,
        clock,
        log: log.child('supervisor'),
      }),
    ));
    const request = <M extends MethodName>(method: M, params: Params<M>, timeoutMs?: number) =>
      supervisor.request(method, params, timeoutMs === undefined ? undefined : { timeoutMs });

    // ---- what the user sees ----
    const tracker = new StatusTracker();
    const statusBar = store.add(new DormouseStatusBar());
    const presentationChanged = store.add(new Emitter<StatusPresentation>());
    const related = store.add(
      new RelatedRecall({
        clock,
        log: log.child('recall'),
        enqueue: async (jobs) => void (await request('enqueue', { jobs })),
        onRelated: (listener) => supervisor.onDidReceiveEvent((e) => e.event === 'related' && listener(e.data as RelatedMemories)),
      }),
    );
    const tree = store.add(
      new DaemonTreeProvider(() => buildTree({ supervisor: supervisor.state, status: supervisor.status, statusAgeMs: supervisor.statusAgeMs, recall: related.current, now: clock.now() })),
    );
    const treeView = store.add(vscode.window.createTreeView('dormouse.status', { treeDataProvider: tree, showCollapseAll: true }));
    tree.setVisible(treeView.visible);
    store.add(treeView.onDidChangeVisibility((e) => tree.setVisible(e.visible)));

    // The last pause this window knew of (persisted): enforced at the source even while the daemon is unreachable.
    const pause = store.add(new CapturePauseMemory(context.globalState));
    // ---- the Timeline: newest memories by day and file, refetched on stored-capture changes ----
    const pager = store.add(
      new TimelinePager({
        clock,
        fetch: (offset, limit) => request('recallWithNote', { query: '', offset, limit, roots: roots() }),
        canFetch: () => supervisor.state === 'running',
      }),
    );
    // A folder inside the workspace reads relative ("src/recall"), one outside stays absolute.
    const displayDir = (dir: string) => vscode.workspace.asRelativePath(dir, false);
    const timeline = store.add(new DaemonTreeProvider(() => buildTimeline(pager.input(clock.now(), displayDir))));
    const timelineView = store.add(vscode.window.createTreeView('dormouse.timeline', { treeDataProvider: timeline, showCollapseAll: true }));
    const timelineVisible = (visible: boolean) => {
      timeline.setVisible(visible);
      pager.setVisible(visible);
    };
    timelineVisible(timelineView.visible);
    store.add(timelineView.onDidChangeVisibility((e) => timelineVisible(e.visible)));
    store.add(pager.onDidChange(() => timeline.invalidate()));

    const redraw = () => {
      const now = clock.now();
      this.presentationValue = tracker.update({
        supervisor: supervisor.state, status: supervisor.status, lastError: supervisor.lastError, now, pause: pause.effective(now),
        captureProgress: this.captures?.progress ?? null,
      });
      statusBar.draw(this.presentationValue);
      presentationChanged.fire(this.presentationValue);
      setPausedContext();
    };
    // Pause or Resume in the palette, whichever fits; redrawn with the status bar, so a pause that
    // ran out shows Pause again by the next redraw.
    let pausedContext: boolean | null = null;
    const setPausedContext = () => {
      const paused = pause.isPaused(clock.now());
      if (paused === pausedContext) return;
      pausedContext = paused;
      void vscode.commands.executeCommand('setContext', 'dormouse.capturePaused', paused);
    };
    this.presentationValue = tracker.update({ supervisor: supervisor.state, status: null, now: clock.now(), pause: pause.effective(clock.now()) });
    statusBar.draw(this.presentationValue);
    setPausedContext();

    // ---- captures, recall, idle ----
    const captures = (this.captures = store.add(
      new CaptureSender({
        storageDir: context.globalStorageUri.fsPath,
        clock,
        log: log.child('capture'),
        enqueue: async (jobs: JobInput[]) => void (await request('enqueue', { jobs })),
        isConnected: () => supervisor.state === 'running',
        maxMessageBytes: () => supervisor.status?.config.ipcMaxMessageBytes ?? defaultSettings().ipcMaxMessageBytes,
      }),
    ));
    // A burst of captures ("Save All") redraws the status bar as its batches are accepted.
    store.add(captures.onDidChangeProgress(redraw));
    const idle = store.add(
      new EditorIdlePolicy({
        clock,
        idleMs: config().get<number>('editorIdleMs', 600_000),
        onIdle: () => {
          log.info(`editor idle for dormouse.editorIdleMs: asking the daemon to hibernate`);
          request('hibernate', {}).catch((e: unknown) => log.debug(`hibernate not sent: ${String(e)}`));
        },
        onActive: () => {
          request('wake', {}).catch((e: unknown) => log.debug(`wake not sent: ${String(e)}`));
        },
      }),
    );
    const editorCaptures = store.add(
      new EditorCaptures({
        clock,
        submit: (job) => captures.submit(job),
        policy: () => {
          const daemon = supervisor.status?.config ?? defaultSettings();
          return {
            captureOnSave: config().get<boolean>('captureOnSave', true),
            captureTerminalCommands: config().get<boolean>('captureTerminalCommands', true),
            excludes: daemon.captureExcludes,
            maxBytes: daemon.captureMaxBytes,
          };
        },
        blocked: (resource) => {
          // A pause past its `until` is over: checked here, at capture time, so no timer ends it.
          if (pause.isPaused(clock.now())) return 'capture paused';
          if (!config(resource).get<boolean>('captureEnabled', true)) return 'dormouse.captureEnabled is off for this workspace';
          return null;
        },
        // Read per capture, so turning it on in a workspace's settings applies to the next save.
        shared: (resource) => config(resource).get<boolean>('shareWithTeam', false),
        log: log.child('capture'),
      }),
    );
    const activity = () => idle.activity();
    const focusFile = (editor: vscode.TextEditor | undefined) => {
      related.focus(editor && editor.document.uri.scheme === 'file' ? editor.document.uri.fsPath : null);
      // The memory editor's title buttons (Restore for snapshots, Re-run for commands).
      void vscode.commands.executeCommand('setContext', 'dormouse.memoryKind', editor ? memoryKindOf(editor.document.uri) : null);
    };
    store.add(vscode.window.onDidChangeActiveTextEditor((editor) => (activity(), focusFile(editor))));
    store.add(vscode.window.onDidChangeTextEditorSelection(activity));
    store.add(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && e.document.uri.scheme !== 'output' && activity()));
    store.add(vscode.workspace.onDidSaveTextDocument(activity));
    store.add(vscode.window.onDidChangeWindowState((s) => {
      if (s.focused) {
        activity();
        redraw(); // "for over N minutes" in the tooltip stays true without a timer
        tree.invalidate(); // and the tree's uptime, with no probe while the daemon hibernates
      }
    }));
    store.add(related.onDidChange(() => tree.invalidate()));

    /** Restart from a notification or the settings: failures are logged and shown by the state, never unhandled. */
    const restart = () => void supervisor.restart().catch((e: unknown) => log.error(`restart failed: ${errorMessage(e)}`));

    const settings = store.add(
      new SettingsSync({
        log: log.child('settings'),
        memento: context.globalState,
        daemonPid: () => supervisor.daemonPid,
        daemonConfig: () => (supervisor.state === 'running' ? (supervisor.status?.config ?? null) : null),
        reload: (update, unset) => request('reload', { settings: update, ...(unset.length > 0 ? { unset } : {}) }),
        restartDaemon: async () => restart(),
        onExtensionSettingsChanged: () => idle.setIdleMs(config().get<number>('editorIdleMs', 600_000)),
      }),
    );

    // ---- the daemon's log in the same channel ----
    const tail = store.add(new DaemonLogTail(paths.logFile, ({ level, message }) => channel[level](`[daemon] ${message}`)));

    // ---- supervisor events ----
    const setStateContext = () => void vscode.commands.executeCommand('setContext', 'dormouse.supervisorState', supervisor.state);
    store.add(supervisor.onDidChangeState(({ state, reason }) => {
      log.info(`daemon connection: ${state}${reason ? ` (${reason})` : ''}`);
      setStateContext();
      redraw();
      tree.invalidate();
    }));
    // A repaired database is told once (across reloads and windows: the key lives in global state).
    const REPAIR_SHOWN_KEY = 'dormouse.repairShown';
    const tellRepair = (status: Parameters<typeof repairNotice>[0]) => {
      const notice = repairNotice(status, context.globalState.get<string>(REPAIR_SHOWN_KEY) ?? null);
      if (!notice) return;
      void context.globalState.update(REPAIR_SHOWN_KEY, notice.key);
      log.warn(notice.message);
      const show = notice.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      void show(notice.message, 'Show log').then((choice) => {
        if (choice === 'Show log') channel.show(true);
      });
    };
    store.add(supervisor.onDidChangeStatus((status) => {
      if (status) {
        pause.fromDaemon(pauseFromStatus(status.capture));
        pager.onStatus(memoryRevision(status.counters));
        tellRepair(status);
      }
      redraw();
      tree.invalidate();
    }));
    store.add(pause.onDidChange(() => redraw()));
    store.add(supervisor.onDidConnect(() => {
      tail.ensureWatching();
      // Settings first: a daemon this window just started must know the excludes before replayed captures reach it.
      // The pause too: a pause chosen while the daemon was unreachable is the daemon's from now on.
      void settings.sync().finally(() => {
        void syncPause();
        captures.onConnected();
        related.refresh();
        pager.invalidate();
      });
    }));
    store.add(supervisor.onDidGiveUp(({ message }) => {
      void vscode.window.showErrorMessage(message, 'Restart daemon', 'Show log').then((choice) => {
        if (choice === 'Restart daemon') restart();
        else if (choice === 'Show log') channel.show(true);
      });
    }));
    setStateContext();

    /**
     * Sends the user's pause choice to the daemon if it has not taken it yet. A daemon that cannot
     * be reached (or cannot pause) leaves it unsent: this window keeps enforcing it and tries again
     * on the next connection.
     */
    const syncPause = async (): Promise<boolean> => {
      const wanted = pause.unsent;
      if (!wanted) return true;
      if (supervisor.state !== 'running') return false;
      try {
        const result = wanted.paused ? await request('pause', wanted.until === null ? {} : { until: wanted.until }) : await request('resume', {});
        // Only if nothing changed meanwhile (a second click while this was in flight).
        if (pause.unsent && pause.unsent.paused === wanted.paused && pause.unsent.until === wanted.until) pause.fromDaemon(pauseFromStatus(result), true);
        return true;
      } catch (error) {
        log.warn(`capture pause kept in this window only for now: ${errorMessage(error)}`);
        return false;
      }
    };

    // ---- commands and documents ----
    const fetchMemory = (ref: MemoryRef) => request('memory', memoryParams(ref));
    const actions = new MemoryActions({
      fetch: fetchMemory,
      // A forget rewrites the index (optimize) and the vocabulary: seconds on a large store.
      forget: (target) => request('forget', target, 5 * 60_000),
      onForgotten: () => {
        void pager.refresh();
        related.refresh();
      },
      now: () => clock.now(),
      confirm: createConfirm(DORMOUSE_TEST_SURFACE && process.env.DORMOUSE_TEST_HOOKS === '1'),
    });
    store.add(vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, new MemoryDocumentProvider(fetchMemory)));
    for (const d of registerCommands({
      wake: async () => {
        // Never restart here: that would stop the daemon other windows share. Only a given-up
        // supervisor needs restart() to leave that state.
        if (supervisor.state === 'given-up') {
          await supervisor.restart();
          return 'daemon restarted';
        }
        if (supervisor.state !== 'running') {
          await supervisor.start();
          return 'daemon connected';
        }
        const { woken } = await request('wake', {});
        return woken.length > 0 ? `woke ${woken.join(', ')}` : 'already awake';
      },
      hibernate: async () => {
        const r = await request('hibernate', {});
        return r.hibernated ? 'hibernating' : `not hibernating: ${r.reason ?? 'busy'}`;
      },
      reloadConfig: async () => {
        const r = await request('reload', {});
        await settings.sync();
        return r.changes.length > 0 ? `reloaded (${r.changes.map((c) => c.key).join(', ')})` : 'config reloaded, nothing changed';
      },
      restartDaemon: () => supervisor.restart(),
      recall: (query) =>
        showRecallQuickPick(
          {
            clock,
            search: (q) => request('recallWithNote', { query: q, limit: 50, roots: roots() }),
            parse: (q) => parseQuery(q, { now: clock.now(), roots: roots() }),
            open: (hit) =>
              openMemory(fetchMemory, memoryRef(hit)).catch((e: unknown) => {
                void vscode.window.showErrorMessage(`Dormouse: could not open the memory: ${errorMessage(e)}`);
              }),
            forget: (hit) =>
              actions.forgetMemory(memoryRef(hit), hit.title).catch((e: unknown) => {
                void vscode.window.showErrorMessage(`Dormouse: could not forget the memory: ${errorMessage(e)}`);
                return false;
              }),
          },
          query,
        ),
      captureSelection: (args) => editorCaptures.captureSelection(args),
      showLog: () => channel.show(true),
      openMemory: (ref) => openMemory(fetchMemory, ref),
      compareMemory: (ref) => compareMemory(fetchMemory, ref),
      presentation: () => this.presentationValue,
      pauseCapture: async (choice) => {
        const until = pauseEnd(choice, clock.now());
        pause.setByUser({ paused: true, until });
        const told = await syncPause();
        const words = until === null ? 'until you resume' : formatUntil(until, clock.now());
        return `capture paused ${words}${told ? '' : ' (the daemon is told once it is reachable)'}`;
      },
      resumeCapture: async () => {
        pause.setByUser({ paused: false, until: null });
        const told = await syncPause();
        return `capture resumed${told ? '' : ' (the daemon is told once it is reachable)'}`;
      },
      forget: async () => {
        const choice = await chooseForgetTarget(clock.now(), async (id) => (await fetchMemory({ id }))?.path ?? null);
        if (choice) await actions.forget(choice.target, choice.label);
      },
      forgetMemory: (ref, label) => actions.forgetMemory(ref, label),
      forgetFile: (path) => actions.forget({ path }, vscode.workspace.asRelativePath(path)),
      restoreMemory: (ref) => actions.restore(ref),
      copyMemory: (ref) => actions.copy(ref),
      rerunCommand: (ref) => actions.rerun(ref),
      refreshTimeline: () => pager.refresh(),
      timelineLoadMore: () => pager.loadMore(),
    })) {
      store.add(d);
    }

    const agents = store.add(registerAgentAccess({ context, request, log: log.child('agents') }));

    focusFile(vscode.window.activeTextEditor);

    const supervisorStateChanged = store.add(new Emitter<typeof supervisor.state>());
    store.add(supervisor.onDidChangeState(({ state }) => supervisorStateChanged.fire(state)));
    this.api = {
      activationMs: 0,
      dataDir,
      supervisorState: () => supervisor.state,
      onDidChangeSupervisorState: supervisorStateChanged.event,
      status: () => supervisor.status,
      onDidChangeStatus: supervisor.onDidChangeStatus,
      presentation: () => this.presentationValue,
      onDidChangePresentation: presentationChanged.event,
      treeSnapshot: async () => tree.snapshot(),
      onDidChangeTree: tree.onDidInvalidate,
      timelineSnapshot: async () => timeline.snapshot(),
      onDidChangeTimeline: timeline.onDidInvalidate,
      capturePause: () => pause.effective(clock.now()),
      outboxStats: () => captures.stats,
      onDidFlushCaptures: captures.onDidFlush,
      // Test builds only (compiled out of production bundles: src/types/test-surface.d.ts).
      ...(DORMOUSE_TEST_SURFACE ? { request: (method: string, params: unknown) => supervisor.request(method as MethodName, params as never) } : {}),
      daemonPid: () => supervisor.daemonPid,
      agents: agents.info,
    };
    // Off the activation path: connect to (or start) the daemon, then wake it.
    void supervisor.start().catch((error: unknown) => log.error(`daemon start failed: ${errorMessage(error)}`));
    (this.api as { activationMs: number }).activationMs = clock.monotonicNow() - activationStartedAt;
    log.info(`activated in ${this.api.activationMs.toFixed(1)} ms; data dir ${dataDir}`);
  }

  /** Window closing: last chance to send buffered captures, then disconnect; never stops the shared daemon. */
  dispose(): Promise<void> {
    if (this.disposing) return this.disposing;
    this.disposing = (async () => {
      // On disk first: the host may be ended before the send below finishes.
      this.captures.persist();
      await raceTimeout(this.clock, this.captures.send(), STOP_TIMEOUT_MS / 2);
      await this.supervisor.stop();
      this.store.dispose();
    })();
    return this.disposing;
  }
}

export type DaemonEvent = { [E in keyof Events]: { event: E; data: Events[E] } }[keyof Events];
