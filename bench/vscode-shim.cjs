// A stand-in for the `vscode` module, for the activation benchmark (bench/extension-activation.ts):
// just the API surface an activate() touches, each call cheap and synchronous, like the real
// extension host's side of it (which only queues a message to the renderer). Calls are counted in
// `__bench.calls`, so the benchmark can check that activation did what it should (12 commands,
// one status bar item, one tree view...). Plain CommonJS: the child process loads it with no loader.
'use strict';
const path = require('node:path');

const calls = Object.create(null);
const count = (name) => (calls[name] = (calls[name] ?? 0) + 1);

class Disposable {
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d?.dispose()));
  }
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  dispose() {
    const fn = this.onDispose;
    this.onDispose = undefined;
    fn?.();
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.add(bound);
      const d = new Disposable(() => this.listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this.listeners]) l(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

/** An event nobody fires in the benchmark (editor focus, saves, configuration changes...). */
const quietEvent = (name) => {
  const emitter = new EventEmitter();
  return (...args) => (count(name), emitter.event(...args));
};

class Uri {
  constructor(scheme, authority, p, query, fragment) {
    this.scheme = scheme;
    this.authority = authority ?? '';
    this.path = p ?? '';
    this.query = query ?? '';
    this.fragment = fragment ?? '';
  }
  static file(p) {
    return new Uri('file', '', path.resolve(p));
  }
  static from(c) {
    return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
  }
  static parse(value) {
    const u = new URL(value);
    return new Uri(u.protocol.slice(0, -1), u.host, decodeURIComponent(u.pathname), u.search.slice(1), u.hash.slice(1));
  }
  static joinPath(base, ...segments) {
    return base.with({ path: path.posix.join(base.path, ...segments) });
  }
  get fsPath() {
    return this.path;
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON() {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}
ThemeIcon.File = new ThemeIcon('file');
ThemeIcon.Folder = new ThemeIcon('folder');

class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
    this.isTrusted = undefined;
    this.supportHtml = false;
  }
  appendText(text) {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
  appendMarkdown(text) {
    this.value += text;
    return this;
  }
  appendCodeblock(code, language = '') {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

class TreeItem {
  constructor(labelOrUri, collapsibleState = 0) {
    if (typeof labelOrUri === 'string' || (labelOrUri && 'label' in labelOrUri)) this.label = labelOrUri;
    else this.resourceUri = labelOrUri;
    this.collapsibleState = collapsibleState;
  }
}

const StatusBarAlignment = { Left: 1, Right: 2 };
const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };
const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
const ExtensionMode = { Production: 1, Development: 2, Test: 3 };
const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };
const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };

/** createOutputChannel(name, { log: true }): a LogOutputChannel that keeps its lines in memory. */
function createOutputChannel(name, options) {
  count('window.createOutputChannel');
  const lines = [];
  const line = (level) => (message) => lines.push(`${level} ${message}`);
  const channel = {
    name,
    logLevel: LogLevel.Info,
    onDidChangeLogLevel: quietEvent('LogOutputChannel.onDidChangeLogLevel'),
    lines,
    append: (text) => lines.push(text),
    appendLine: (text) => lines.push(text),
    replace: (text) => lines.splice(0, lines.length, text),
    clear: () => lines.splice(0, lines.length),
    show: () => count('OutputChannel.show'),
    hide: () => {},
    dispose: () => {},
  };
  if (options && options.log) Object.assign(channel, { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') });
  outputChannels.push(channel);
  return channel;
}
const outputChannels = [];

function createStatusBarItem(idOrAlignment, alignmentOrPriority, priority) {
  count('window.createStatusBarItem');
  const withId = typeof idOrAlignment === 'string';
  return {
    id: withId ? idOrAlignment : 'shim.statusBarItem',
    alignment: (withId ? alignmentOrPriority : idOrAlignment) ?? StatusBarAlignment.Left,
    priority: withId ? priority : alignmentOrPriority,
    name: undefined,
    text: '',
    tooltip: undefined,
    color: undefined,
    backgroundColor: undefined,
    command: undefined,
    accessibilityInformation: undefined,
    visible: false,
    show() {
      count('StatusBarItem.show');
      this.visible = true;
    },
    hide() {
      this.visible = false;
    },
    dispose() {
      this.visible = false;
    },
  };
}

function createTreeView(viewId, options) {
  count('window.createTreeView');
  return {
    viewId,
    treeDataProvider: options.treeDataProvider,
    visible: false,
    selection: [],
    onDidChangeVisibility: quietEvent('TreeView.onDidChangeVisibility'),
    onDidChangeSelection: quietEvent('TreeView.onDidChangeSelection'),
    onDidExpandElement: quietEvent('TreeView.onDidExpandElement'),
    onDidCollapseElement: quietEvent('TreeView.onDidCollapseElement'),
    reveal: () => Promise.resolve(),
    dispose: () => {},
  };
}

const commandHandlers = new Map();
const commands = {
  registerCommand(id, handler, thisArg) {
    count('commands.registerCommand');
    if (commandHandlers.has(id)) throw new Error(`command '${id}' already exists`);
    commandHandlers.set(id, thisArg ? handler.bind(thisArg) : handler);
    return new Disposable(() => commandHandlers.delete(id));
  },
  executeCommand(id, ...args) {
    count('commands.executeCommand');
    const handler = commandHandlers.get(id);
    // setContext and the workbench's own commands are the renderer's business: nothing to do here.
    return handler ? Promise.resolve().then(() => handler(...args)) : Promise.resolve(undefined);
  },
  getCommands: () => Promise.resolve([...commandHandlers.keys()]),
};

const settings = Object.create(null);
function getConfiguration(section) {
  count('workspace.getConfiguration');
  const full = (key) => (section ? `${section}.${key}` : key);
  return {
    get: (key, defaultValue) => (full(key) in settings ? settings[full(key)] : defaultValue),
    has: (key) => full(key) in settings,
    inspect: (key) => ({ key: full(key), globalValue: settings[full(key)] }),
    update: (key, value) => {
      settings[full(key)] = value;
      return Promise.resolve();
    },
  };
}

const noAnswer = () => Promise.resolve(undefined);

const window = {
  createOutputChannel,
  createStatusBarItem,
  createTreeView,
  activeTextEditor: undefined,
  visibleTextEditors: [],
  state: { focused: true, active: true },
  onDidChangeActiveTextEditor: quietEvent('window.onDidChangeActiveTextEditor'),
  onDidChangeTextEditorSelection: quietEvent('window.onDidChangeTextEditorSelection'),
  onDidChangeWindowState: quietEvent('window.onDidChangeWindowState'),
  onDidEndTerminalShellExecution: quietEvent('window.onDidEndTerminalShellExecution'),
  showInformationMessage: noAnswer,
  showWarningMessage: noAnswer,
  showErrorMessage: noAnswer,
  showQuickPick: noAnswer,
  showInputBox: noAnswer,
  showTextDocument: noAnswer,
  setStatusBarMessage: () => new Disposable(() => {}),
};

const workspace = {
  isTrusted: true,
  workspaceFolders: undefined,
  getConfiguration,
  onDidChangeConfiguration: quietEvent('workspace.onDidChangeConfiguration'),
  onDidSaveTextDocument: quietEvent('workspace.onDidSaveTextDocument'),
  onDidChangeTextDocument: quietEvent('workspace.onDidChangeTextDocument'),
  onDidGrantWorkspaceTrust: quietEvent('workspace.onDidGrantWorkspaceTrust'),
  registerTextDocumentContentProvider() {
    count('workspace.registerTextDocumentContentProvider');
    return new Disposable(() => {});
  },
  openTextDocument: noAnswer,
  fs: {
    stat: (uri) =>
      require('node:fs/promises')
        .stat(uri.fsPath)
        .then((s) => ({ type: s.isDirectory() ? FileType.Directory : FileType.File, ctime: s.ctimeMs, mtime: s.mtimeMs, size: s.size })),
  },
};

const languages = { setTextDocumentLanguage: (doc) => Promise.resolve(doc) };

function memento() {
  const values = new Map();
  return {
    keys: () => [...values.keys()],
    get: (key, defaultValue) => (values.has(key) ? values.get(key) : defaultValue),
    update: (key, value) => (values.set(key, value), Promise.resolve()),
    setKeysForSync: () => {},
  };
}

/**
 * The ExtensionContext VS Code would pass. `daemonScript` (optional) stands in for the extension's
 * own dist/daemon.js, so the benchmark can make the daemon slow to start.
 */
function createExtensionContext({ id, extensionPath, storageDir, packageJSON, daemonScript }) {
  const extensionUri = Uri.file(extensionPath);
  const asAbsolutePath = (relative) => (daemonScript && relative === 'dist/daemon.js' ? daemonScript : path.join(extensionPath, relative));
  return {
    subscriptions: [],
    extensionPath,
    extensionUri,
    asAbsolutePath,
    globalStorageUri: Uri.file(storageDir),
    globalStoragePath: storageDir,
    storageUri: undefined,
    storagePath: undefined,
    logUri: Uri.file(path.join(storageDir, 'logs')),
    logPath: path.join(storageDir, 'logs'),
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: noAnswer, store: noAnswer, delete: noAnswer, onDidChange: quietEvent('secrets.onDidChange') },
    extensionMode: ExtensionMode.Production,
    extension: { id, extensionUri, extensionPath, isActive: false, packageJSON, extensionKind: 2, exports: undefined },
    environmentVariableCollection: { persistent: true, replace() {}, append() {}, prepend() {}, get() {}, forEach() {}, delete() {}, clear() {} },
  };
}

module.exports = {
  version: '1.100.0',
  Disposable,
  EventEmitter,
  Uri,
  ThemeColor,
  ThemeIcon,
  MarkdownString,
  TreeItem,
  StatusBarAlignment,
  TreeItemCollapsibleState,
  ConfigurationTarget,
  ExtensionMode,
  LogLevel,
  FileType,
  window,
  workspace,
  commands,
  languages,
  env: { appName: 'bench', language: 'en', machineId: 'bench', sessionId: 'bench', uiKind: 1 },
  /** Not VS Code API: what the benchmark reads back. */
  __bench: { calls, outputChannels, commandIds: () => [...commandHandlers.keys()], createExtensionContext },
};
