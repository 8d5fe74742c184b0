// Every workbench DOM selector the UI bridge relies on, in one place. Checked against code-server
// 4.139.1 (VS Code 1.139) by dumping the page's HTML (DORMOUSE_E2E_DUMP_HTML=1) and screenshots.
// These are VS Code internals, not API: when an upgrade breaks the bridge, look here first.
export const SELECTORS = {
  // The status bar part; each entry is a div.statusbar-item whose inner a.statusbar-item-label
  // carries the entry's accessibility label (aria-label) and its rendered text.
  statusBar: '#workbench\\.parts\\.statusbar',
  statusBarItem: '.statusbar-item',
  statusBarLabel: '.statusbar-item-label',

  // The quick input (command palette and every showQuickPick): one widget, hidden with
  // display:none when closed. Rows are monaco list rows; label, description and detail are
  // separate elements inside a row.
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputTitle: '.quick-input-widget .quick-input-title',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputRowLabel: '.label-name',
  quickInputRowDescription: '.label-description',
  quickInputRowDetail: '.quick-input-list-detail',
  // Buttons of the quick input itself (QuickPick.buttons): action bar entries labelled by their tooltip.
  quickInputButton: '.quick-input-widget .quick-input-header .action-label, .quick-input-widget .quick-input-titlebar .action-label',

  // Views: each view is a .pane whose .pane-header holds the title in h3.title. When a view
  // container has a single view its pane header is hidden and the container's title (the side
  // bar's composite title) shows instead, so both are checked.
  pane: '.pane',
  paneTitle: '.pane-header h3.title',
  paneHeader: '.pane-header',
  paneBody: '.pane-body',
  sideBarTitle: '#workbench\\.parts\\.sidebar .composite.title h2',
  sideBarPane: '#workbench\\.parts\\.sidebar .pane',
  listRow: '.monaco-list-row',
  treeRowContents: '.monaco-tl-contents',
  welcomeView: '.welcome-view-content',

  // Context menus (right click on a tree row) render in the DOM as a monaco menu.
  contextMenu: '.context-view .monaco-menu',
  contextMenuLabel: '.context-view .monaco-menu .action-item .action-label',

  // The notifications centre (toasts do not render in headless runs; the centre does).
  notificationsCenter: '.notifications-center',
  notificationMessage: '.notifications-center .notification-list-item-message',
  notificationItem: '.notifications-center .notification-list-item',
  notificationButton: '.notification-list-item-buttons-container .monaco-button',

  // The active editor's text area (a click puts the cursor there) and its tab once saved.
  activeEditorText: '.editor-group-container.active .monaco-editor .view-lines',
  activeTabClean: '.editor-group-container.active .tab.active:not(.dirty)',

  // The Settings editor: its search box is a small monaco editor; each setting's row carries the
  // setting's key in data-key; a number or string setting has an input box, a boolean a checkbox.
  workbench: '.monaco-workbench',
  settingsEditor: '.settings-editor',
  settingsSearch: '.settings-editor .settings-header .suggest-input-container .monaco-editor',
  settingsInput: '.setting-item-control input',
  settingsCheckbox: '.setting-value-checkbox',
};

/** The Dormouse status bar item is found by its accessibility label, which the extension sets. */
export const STATUS_BAR_LABEL_PREFIX = 'Dormouse';
