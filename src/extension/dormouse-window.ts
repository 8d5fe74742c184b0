// The composition root of one VS Code window: it builds each part once, wires their events,
// and owns them in one DisposableStore. Parts know nothing of each other; this file is the only
// place that does. Nothing here blocks activation on the daemon: the supervisor starts in the
// background and every part copes with "not connected yet".
import * as vscode from 'vscode';
import { RealClock } from '../shared/clock';
import { Emitter } from '../shared/event';
import { DisposableStore } from '../shared/lifecycle';
import { dataDirPaths, defaultDataDir } from '../shared/paths';
import type { Events, JobInput, MethodName, Params, RelatedMemories } from '../shared/protocol';
import { defaultSettings } from '../shared/settings';
import type { DormouseApi } from './api';
import { registerAgentAccess } from './agents/agent-access';
import { CaptureSender } from './capture/capture-sender';
import { EditorCaptures } from './capture/editor-captures';
import { EditorIdlePolicy } from './core/idle-policy';
import { type StatusPresentation, StatusTracker } from './core/status-presentation';
import { buildTree } from './core/tree-model';
import { daemonEnv } from './daemon/fork-daemon';
import { DaemonSupervisor } from './daemon/supervisor';
import { DaemonLogTail } from './log/daemon-log-tail';
import { channelLogger, createOutputLog } from './log/output-log';
import { MEMORY_SCHEME, MemoryDocumentProvider, compareMemory, openMemory } from './recall/memory-documents';
import { RelatedRecall } from './recall/related-recall';
import { showRecallQuickPick } from './recall/recall-quick-pick';
import { SettingsSync } from './settings/settings-sync';
import { registerCommands } from './ui/commands';
import { DaemonTreeProvider } from './ui/daemon-tree';
import { DormouseStatusBar } from './ui/status-bar';

const STOP_TIMEOUT_MS = 2000;

export class DormouseWindow implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly api: DormouseApi;
  private readonly supervisor: DaemonSupervisor;
  private readonly captures: CaptureSender;
  private presentationValue: StatusPresentation;
  private disposing: Promise<void> | null = null;

  constructor(context: vscode.ExtensionContext, activationStartedAt: number) {
    const store = this.store;
    const clock = new RealClock();
    const channel = store.add(createOutputLog());
    const log = channelLogger(channel);
    const dataDir = defaultDataDir(process.env);
    const paths = dataDirPaths(dataDir);
    const config = () => vscode.workspace.getConfiguration('dormouse');

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
      new DaemonTreeProvider(() => buildTree({ supervisor: supervisor.state, status: supervisor.status, recall: related.current, now: Date.now() })),
    );
    const treeView = store.add(vscode.window.createTreeView('dormouse.status', { treeDataProvider: tree, showCollapseAll: true }));
    tree.setVisible(treeView.visible);
    store.add(treeView.onDidChangeVisibility((e) => tree.setVisible(e.visible)));

    const redraw = () => {
      this.presentationValue = tracker.update({ supervisor: supervisor.state, status: supervisor.status, lastError: supervisor.lastError, now: Date.now() });
      statusBar.draw(this.presentationValue);
      presentationChanged.fire(this.presentationValue);
    };
    this.presentationValue = tracker.update({ supervisor: supervisor.state, status: null, now: Date.now() });
    statusBar.draw(this.presentationValue);

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
        log: log.child('capture'),
      }),
    );
    const activity = () => idle.activity();
    const focusFile = (editor: vscode.TextEditor | undefined) =>
      related.focus(editor && editor.document.uri.scheme === 'file' ? editor.document.uri.fsPath : null);
    store.add(vscode.window.onDidChangeActiveTextEditor((editor) => (activity(), focusFile(editor))));
    store.add(vscode.window.onDidChangeTextEditorSelection(activity));
    store.add(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && e.document.uri.scheme !== 'output' && activity()));
    store.add(vscode.workspace.onDidSaveTextDocument(activity));
    store.add(vscode.window.onDidChangeWindowState((s) => {
      if (s.focused) {
        activity();
        redraw(); // "for over N minutes" in the tooltip stays true without a timer
      }
    }));
    store.add(related.onDidChange(() => tree.invalidate()));

    /** Restart from a notification or the settings: failures are logged and shown by the state, never unhandled. */
    const restart = () => void supervisor.restart().catch((e: unknown) => log.error(`restart failed: ${e instanceof Error ? e.message : String(e)}`));

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
    store.add(supervisor.onDidChangeStatus(() => {
      redraw();
      tree.invalidate();
    }));
    store.add(supervisor.onDidConnect(() => {
      tail.ensureWatching();
      // Settings first: a daemon this window just started must know the excludes before replayed captures reach it.
      void settings.sync().finally(() => {
        captures.onConnected();
        related.refresh();
      });
    }));
    store.add(supervisor.onDidGiveUp(({ message }) => {
      void vscode.window.showErrorMessage(message, 'Restart daemon', 'Show log').then((choice) => {
        if (choice === 'Restart daemon') restart();
        else if (choice === 'Show log') channel.show(true);
      });
    }));
    setStateContext();

    // ---- commands and documents ----
    const fetchMemory = (id: number) => request('memory', { id });
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
          (q) => request('recall', { query: q, limit: 30 }),
          (hit) =>
            openMemory(fetchMemory, hit.id).catch((e: unknown) => {
              void vscode.window.showErrorMessage(`Dormouse: could not open the memory: ${e instanceof Error ? e.message : String(e)}`);
            }),
          query,
        ),
      captureSelection: (args) => editorCaptures.captureSelection(args),
      showLog: () => channel.show(true),
      openMemory: (id) => openMemory(fetchMemory, id),
      compareMemory: (id) => compareMemory(fetchMemory, id),
      presentation: () => this.presentationValue,
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
      outboxStats: () => captures.stats,
      onDidFlushCaptures: captures.onDidFlush,
      request: (method, params) => supervisor.request(method as MethodName, params as never),
      daemonPid: () => supervisor.daemonPid,
      agents: agents.info,
    };
    // Off the activation path: connect to (or start) the daemon, then wake it.
    void supervisor.start().catch((error: unknown) => log.error(`daemon start failed: ${error instanceof Error ? error.message : String(error)}`));
    (this.api as { activationMs: number }).activationMs = performance.now() - activationStartedAt;
    log.info(`activated in ${this.api.activationMs.toFixed(1)} ms; data dir ${dataDir}`);
  }

  /** Window closing: last chance to send buffered captures, then disconnect; never stops the shared daemon. */
  dispose(): Promise<void> {
    if (this.disposing) return this.disposing;
    this.disposing = (async () => {
      // On disk first: the host may be ended before the send below finishes.
      this.captures.persist();
      await Promise.race([this.captures.send(), new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS / 2))]);
      await this.supervisor.stop();
      this.store.dispose();
    })();
    return this.disposing;
  }
}

export type DaemonEvent = { [E in keyof Events]: { event: E; data: Events[E] } }[keyof Events];
