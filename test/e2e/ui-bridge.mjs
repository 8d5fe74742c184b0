// The UI bridge: a small HTTP server on 127.0.0.1 through which tests running inside the
// extension host read and drive the real workbench in the browser (they cannot reach the DOM).
// Every wait is playwright's (waitForFunction / waitForSelector), never a sleep. Requests are
// handled one at a time: two interleaved UI actions would type into each other's inputs.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { SELECTORS, STATUS_BAR_LABEL_PREFIX } from './ui-selectors.mjs';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * @param {{ page: () => import('playwright-core').Page | undefined, screenshotsDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startUiBridge({ page: currentPage, screenshotsDir, log }) {
  const page = () => {
    const p = currentPage();
    if (!p) throw new Error('the browser page is not open yet');
    return p;
  };
  const routes = {
    '/screenshot': async ({ name }) => {
      if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be [A-Za-z0-9_.-]+, got ${JSON.stringify(name)}`);
      mkdirSync(screenshotsDir, { recursive: true });
      const path = join(screenshotsDir, `${name}.png`);
      await page().screenshot({ path });
      return { path };
    },
    '/statusbar': ({ textIncludes, textExcludes, ariaIncludes, ariaExcludes, timeoutMs }) => statusBarItem(page(), { textIncludes, textExcludes, ariaIncludes, ariaExcludes }, timeoutMs ?? DEFAULT_TIMEOUT_MS),
    '/click-statusbar': async ({ timeoutMs }) => {
      await statusBarItem(page(), {}, timeoutMs ?? DEFAULT_TIMEOUT_MS);
      // A real mouse click on the Dormouse item (found by its accessibility label).
      await page().locator(`${SELECTORS.statusBar} ${SELECTORS.statusBarLabel}[aria-label^="${STATUS_BAR_LABEL_PREFIX}"]`).first().click();
      return {};
    },
    // Clicks a tree row found by its accessibility label (label: description), which tells a
    // memory row ("a.ts: file · 1 min ago") from the section that names the same file.
    '/tree-click': async ({ viewTitle, ariaIncludes, timeoutMs }) => {
      await treeRows(page(), { viewTitle: viewTitle ?? 'Dormouse', minRows: 1, textIncludes: ariaIncludes }, timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const rows = page().locator(`${SELECTORS.sideBarPane} ${SELECTORS.listRow}`);
      const count = await rows.count();
      for (let i = 0; i < count; i++) {
        const row = rows.nth(i);
        if (((await row.getAttribute('aria-label')) ?? '').includes(ariaIncludes)) {
          await row.click();
          return {};
        }
      }
      throw new Error(`no tree row whose aria-label includes ${JSON.stringify(ariaIncludes)}`);
    },
    '/palette': ({ title, opensQuickInput, timeoutMs }) => runFromPalette(page(), title, { opensQuickInput: !!opensQuickInput }, timeoutMs ?? DEFAULT_TIMEOUT_MS),
    '/type': async ({ text }) => {
      await page().keyboard.type(String(text));
      return {};
    },
    // Puts `text` into the visible quick input's box as typed text would (fill: one input event),
    // then waits until the box holds it; filled again while something (the quick pick opening,
    // its own reset on show) replaced it, until it stays or time is up.
    '/quickinput-fill': async ({ text, timeoutMs }) => {
      const deadline = Date.now() + (timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const box = page().locator(SELECTORS.quickInputBox);
      for (;;) {
        await box.fill(String(text), { timeout: Math.max(1, deadline - Date.now()) });
        const kept = await page()
          .waitForFunction(([sel, want]) => document.querySelector(sel)?.value === want, [SELECTORS.quickInputBox, String(text)], { timeout: 1_000 })
          .then(() => true, () => false);
        if (kept && (await box.inputValue()) === String(text)) return {};
        if (Date.now() >= deadline) throw new Error(`the quick input did not keep ${JSON.stringify(text)}; it holds ${JSON.stringify(await box.inputValue())}`);
      }
    },
    '/press': async ({ key }) => {
      await page().keyboard.press(String(key));
      return {};
    },
    '/quickpick': async ({ timeoutMs, minItems, includes, excludes }) => {
      const rows = await quickPickRows(page(), minItems ?? 1, timeoutMs ?? DEFAULT_TIMEOUT_MS, { includes, excludes });
      return { rows, value: await page().locator(SELECTORS.quickInputBox).inputValue() };
    },
    // Clicks the visible quick pick's row whose label is `label`, as a user picks with the mouse
    // (an Enter relies on which row is active, which a loaded machine can leave unset).
    '/quickpick-choose': async ({ label, timeoutMs }) => {
      await quickPickRows(page(), 1, timeoutMs ?? DEFAULT_TIMEOUT_MS, { includes: label });
      // By keyboard (the list is virtual and redraws; a click on a row found a moment earlier
      // could wait on a detached element): ArrowDown until the focused row is `label`, then Enter.
      const count = await page().locator(SELECTORS.quickInputRow).count();
      const focused = page().locator(`${SELECTORS.quickInputRow}.focused ${SELECTORS.quickInputRowLabel}`);
      for (let step = 0; step <= count; step++) {
        const text = ((await focused.first().textContent({ timeout: 2_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
        if (text === label) {
          await page().keyboard.press('Enter');
          return {};
        }
        await page().keyboard.press('ArrowDown');
      }
      throw new Error(`the quick pick has no row labelled ${JSON.stringify(label)}; rows: ${JSON.stringify(await visibleRows(page()))}`);
    },
    // Clicks a button of the visible quick input (title bar or inline) by its tooltip / accessibility label.
    '/quickpick-button': async ({ ariaIncludes, timeoutMs }) => {
      const button = page().locator(`${SELECTORS.quickInputButton}[aria-label*=${JSON.stringify(ariaIncludes)}]`).first();
      try {
        await button.click({ timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS });
      } catch (error) {
        const labels = await page().locator(SELECTORS.quickInputButton).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        throw new Error(`no quick input button labelled ${JSON.stringify(ariaIncludes)} (${error.message.split('\n')[0]}); buttons: ${JSON.stringify(labels)}`, { cause: error });
      }
      return {};
    },
    '/tree': ({ viewTitle, minRows, textIncludes, textExcludes, welcomeIncludes, timeoutMs }) =>
      treeRows(page(), { viewTitle: viewTitle ?? 'Dormouse', minRows: minRows ?? 0, textIncludes, textExcludes, welcomeIncludes }, timeoutMs ?? DEFAULT_TIMEOUT_MS),
    // Expands or collapses a side bar view pane by clicking its header (lists render only the rows
    // in view, so a long view below another may need the space).
    '/pane': async ({ viewTitle, expanded, timeoutMs }) => {
      const pane = await paneLocator(page(), viewTitle);
      const header = pane.locator(SELECTORS.paneHeader).first();
      await header.waitFor({ state: 'visible', timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS });
      if (((await header.getAttribute('aria-expanded')) === 'true') !== !!expanded) await header.click();
      return { expanded: (await header.getAttribute('aria-expanded')) === 'true' };
    },
    // Right-clicks a tree row (found like /tree-click) and chooses `item` in its context menu.
    // Right-clicks a tree row (found like /tree-click) and chooses `item` in its context menu.
    // A row redrawn between finding and clicking (the section refreshed) takes no menu: the
    // right-click is tried again on the row found afresh, until the menu shows or time is up.
    '/tree-context': async ({ viewTitle, ariaIncludes, item, timeoutMs }) => {
      const timeout = timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const deadline = Date.now() + timeout;
      const view = viewTitle ?? 'Dormouse';
      let attempts = 0;
      for (;;) {
        attempts++;
        await treeRows(page(), { viewTitle: view, minRows: 1, textIncludes: ariaIncludes }, Math.max(1, deadline - Date.now()));
        await rightClickRow(page(), view, ariaIncludes);
        const shown = await page()
          .waitForSelector(SELECTORS.contextMenu, { state: 'visible', timeout: Math.max(1, Math.min(3_000, deadline - Date.now())) })
          .then(() => true, () => false);
        if (shown) break;
        if (Date.now() >= deadline) throw new Error(`no context menu opened on the row ${JSON.stringify(ariaIncludes)} after ${attempts} right-clicks in ${timeout} ms`);
        log(`ui-bridge /tree-context: no menu after right-click ${attempts} on ${JSON.stringify(ariaIncludes)}; trying again`);
      }
      const labels = (await page().locator(SELECTORS.contextMenuLabel).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
      if (!labels.includes(item)) {
        await page().keyboard.press('Escape');
        throw new Error(`the context menu has no ${JSON.stringify(item)}; it shows ${JSON.stringify(labels.filter(Boolean))}`);
      }
      // By keyboard, as a user without a mouse would: a mouse click on an entry could land while
      // the menu was being laid out and be lost, leaving the menu open. The menu holds the focus
      // once shown; ArrowDown moves through its entries (separators are skipped) until the
      // focused one is `item`, and Enter runs it.
      const focused = page().locator(`${SELECTORS.contextMenu} .action-item.focused .action-label`);
      for (let step = 0; step <= labels.length; step++) {
        await page().keyboard.press('ArrowDown');
        const label = ((await focused.first().textContent({ timeout: 2_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
        if (label === item) {
          await page().keyboard.press('Enter');
          await page().waitForSelector(SELECTORS.contextMenu, { state: 'hidden', timeout: Math.max(1, deadline - Date.now()) });
          return { labels: labels.filter(Boolean), attempts };
        }
      }
      await page().keyboard.press('Escape');
      throw new Error(`the context menu's keyboard focus never reached ${JSON.stringify(item)}; it shows ${JSON.stringify(labels.filter(Boolean))}`);
    },
    '/notifications': async ({ includes, timeoutMs }) => ({ messages: await notifications(page(), includes, timeoutMs ?? DEFAULT_TIMEOUT_MS) }),
    // Clicks the button `button` of the notification whose message includes `includes` (in the
    // notifications centre: toasts do not render headless). A locator click re-finds the element
    // if the list is redrawn under it.
    '/notification-action': async ({ includes, button, timeoutMs }) => {
      const timeout = timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await notifications(page(), includes, timeout);
      const item = page().locator(SELECTORS.notificationItem).filter({ hasText: includes }).first();
      const action = item.locator(SELECTORS.notificationButton).filter({ hasText: button }).first();
      try {
        await action.click({ timeout });
      } catch (error) {
        const labels = await item.locator(SELECTORS.notificationButton).allTextContents().catch(() => []);
        throw new Error(`the notification ${JSON.stringify(includes)} has no button ${JSON.stringify(button)} (${error.message.split('\n')[0]}); buttons: ${JSON.stringify(labels)}`, { cause: error });
      }
      return {};
    },
    // Sets a setting the way a user does: the Settings editor (palette), its search box
    // (`@id:<key>` shows that one setting), then the value typed into its input, or its checkbox
    // clicked until it shows `value` (booleans). Resolves once the control shows the value.
    '/settings-set': async ({ key, value, timeoutMs }) => {
      const timeout = timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const p = page();
      await runFromPalette(p, 'Preferences: Open Settings (UI)', {}, timeout);
      const search = p.locator(SELECTORS.settingsSearch);
      await search.waitFor({ state: 'visible', timeout });
      await search.click();
      await p.keyboard.press('ControlOrMeta+A');
      await p.keyboard.type(`@id:${key}`);
      const row = p.locator(`${SELECTORS.settingsEditor} [data-key=${JSON.stringify(key)}]`).first();
      await row.waitFor({ state: 'visible', timeout });
      if (typeof value === 'boolean') {
        const box = row.locator(SELECTORS.settingsCheckbox).first();
        const checked = async () => (await box.getAttribute('aria-checked')) === 'true';
        if ((await checked()) !== value) await box.click({ timeout });
        await p.waitForFunction(([el, want]) => (el.getAttribute('aria-checked') === 'true') === want, [await box.elementHandle(), value], { timeout });
      } else {
        const input = row.locator(SELECTORS.settingsInput).first();
        await input.fill(String(value), { timeout });
        // The editor writes the value on input (debounced); Enter commits it at once.
        await input.press('Enter');
        await p.waitForFunction(([el, want]) => el.value === want, [await input.elementHandle(), String(value)], { timeout });
      }
      return {};
    },
  };

  let queue = Promise.resolve();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const handler = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!handler) return reply(404, { error: `no route ${req.method} ${req.url}` });
      queue = queue.then(async () => {
        try {
          const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          reply(200, await handler(body));
        } catch (error) {
          log(`ui-bridge ${req.url} failed: ${error.message}`);
          reply(500, { error: error.message });
        }
      });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Right-clicks the first row of the view whose accessibility label includes `ariaIncludes`. */
async function rightClickRow(page, viewTitle, ariaIncludes) {
  // Only the rows of that view: another view may show the same file (the Recall section).
  const rows = (await paneLocator(page, viewTitle)).locator(SELECTORS.listRow);
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    if (((await row.getAttribute('aria-label')) ?? '').includes(ariaIncludes)) {
      await row.click({ button: 'right' });
      return;
    }
  }
  throw new Error(`no tree row whose aria-label includes ${JSON.stringify(ariaIncludes)}`);
}

/** The side bar pane titled `title` (case-insensitive); a container with one view has no pane header, so its only pane. */
async function paneLocator(page, title) {
  const panes = page.locator(SELECTORS.sideBarPane);
  const count = await panes.count();
  const wanted = title.trim().toLowerCase();
  for (let i = 0; i < count; i++) {
    if (!(await panes.nth(i).isVisible())) continue; // a hidden container's panes stay in the DOM
    const titles = await panes.nth(i).locator(SELECTORS.paneTitle).allTextContents();
    if (titles.some((t) => t.trim().toLowerCase() === wanted)) return panes.nth(i);
  }
  if (count === 1) return panes.first();
  throw new Error(`no side bar pane titled ${JSON.stringify(title)}`);
}

/** Reads the Dormouse status bar item, waiting until its text / aria-label include the given strings. */
export async function statusBarItem(page, { textIncludes, textExcludes, ariaIncludes, ariaExcludes }, timeoutMs) {
  const read = (args) => {
    const [sel, prefix, wanted, wantedAria, unwanted, unwantedAria, waiting] = args;
    // The current theme's status bar colours (CSS variables on the workbench), as computed colours
    // (rgb(...)), to compare with what the item shows.
    const themeColors = (workbenchSel) => {
      const root = document.querySelector(workbenchSel) ?? document.body;
      const probe = document.createElement('div');
      root.appendChild(probe);
      const resolve = (name) => {
        probe.style.color = '';
        probe.style.color = `var(--vscode-${name.replace('.', '-')})`;
        return getComputedStyle(probe).color;
      };
      const colors = Object.fromEntries(
        ['statusBarItem.warningBackground', 'statusBarItem.warningForeground', 'statusBarItem.errorBackground', 'statusBarItem.errorForeground', 'statusBar.background', 'statusBar.foreground'].map((n) => [n, resolve(n)]),
      );
      probe.remove();
      return colors;
    };
    const labels = [...document.querySelectorAll(`${sel.statusBar} ${sel.statusBarLabel}`)];
    const label = labels.find((el) => (el.getAttribute('aria-label') ?? '').startsWith(prefix));
    if (!label) return waiting ? false : { ariaLabels: labels.map((el) => el.getAttribute('aria-label') ?? '') };
    const item = label.closest(sel.statusBarItem) ?? label;
    const text = (label.textContent ?? '').replace(/\s+/g, ' ').trim();
    const itemStyle = getComputedStyle(item);
    const labelStyle = getComputedStyle(label);
    const transparent = (c) => c === 'transparent' || c === 'rgba(0, 0, 0, 0)';
    const info = {
      text,
      ariaLabel: label.getAttribute('aria-label') ?? '',
      className: item.className,
      // VS Code colours either the item or its label, depending on the kind: report the visible one.
      backgroundColor: transparent(labelStyle.backgroundColor) ? itemStyle.backgroundColor : labelStyle.backgroundColor,
      color: labelStyle.color,
    };
    const matches = (!wanted || text.includes(wanted)) && (!wantedAria || info.ariaLabel.includes(wantedAria)) && (!unwanted || !text.includes(unwanted)) && (!unwantedAria || !info.ariaLabel.includes(unwantedAria));
    if (waiting && !matches) return false;
    return { ...info, theme: themeColors(sel.workbench) };
  };
  const args = [SELECTORS, STATUS_BAR_LABEL_PREFIX, textIncludes ?? null, ariaIncludes ?? null, textExcludes ?? null, ariaExcludes ?? null];
  try {
    const handle = await page.waitForFunction(read, [...args, true], { timeout: timeoutMs });
    return await handle.jsonValue();
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const now = await page.evaluate(read, [...args, false]);
    throw new Error(
      now.ariaLabels
        ? `no status bar item labelled "${STATUS_BAR_LABEL_PREFIX}…" within ${timeoutMs} ms; items: ${JSON.stringify(now.ariaLabels)}`
        : `the Dormouse status bar item did not show ${JSON.stringify({ textIncludes, textExcludes, ariaIncludes, ariaExcludes })} within ${timeoutMs} ms; it shows ${JSON.stringify(now.text)} (aria-label ${JSON.stringify(now.ariaLabel)})`, { cause: error },
    );
  }
}

/**
 * F1, the command's title, wait until the focused row is that command, Enter, and wait until the
 * palette has closed. With `opensQuickInput`, also wait for the quick input the command opens
 * (it shows after a round trip to the extension host; typing before that would go to the editor).
 */
export async function runFromPalette(page, title, { opensQuickInput = false } = {}, timeoutMs) {
  if (typeof title !== 'string' || !title) throw new Error('palette needs a title');
  await page.keyboard.press('F1');
  await page.waitForSelector(SELECTORS.quickInputBox, { state: 'visible', timeout: timeoutMs });
  await page.keyboard.type(title);
  let picked;
  try {
    const handle = await page.waitForFunction(([sel, wanted]) => {
      const focused = document.querySelector(`${sel.quickInputRow}.focused`);
      const label = focused?.querySelector(sel.quickInputRowLabel)?.textContent?.trim() ?? '';
      return label.toLowerCase() === wanted.toLowerCase() ? label : false;
    }, [SELECTORS, title], { timeout: timeoutMs });
    picked = await handle.jsonValue();
  } catch (error) {
    const rows = await visibleRows(page);
    await page.keyboard.press('Escape');
    throw new Error(`command palette has no command titled ${JSON.stringify(title)} (${error.message.split('\n')[0]}); rows: ${JSON.stringify(rows.map((r) => r.label))}`, { cause: error });
  }
  await page.keyboard.press('Enter');
  // The palette is the quick input whose value starts with '>' and which has no title; the
  // command's own has a title (every Dormouse quick input does). The title matters: while the
  // palette closes its value is briefly empty, and text typed then is lost.
  const paletteGone = ([sel, wantOther]) => {
    const widget = document.querySelector(sel.quickInput);
    const visible = !!widget && getComputedStyle(widget).display !== 'none';
    const value = document.querySelector(sel.quickInputBox)?.value ?? '';
    const title = (document.querySelector(sel.quickInputTitle)?.textContent ?? '').trim();
    const other = visible && !value.startsWith('>') && title !== '';
    return wantOther ? other : !visible || other;
  };
  try {
    await page.waitForFunction(paletteGone, [SELECTORS, opensQuickInput], { timeout: timeoutMs });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    throw new Error(opensQuickInput ? `${JSON.stringify(title)} opened no quick input within ${timeoutMs} ms` : `the command palette did not close after running ${JSON.stringify(title)}`, { cause: error });
  }
  return { picked };
}

/** `includes`: some row's text (label, description, detail) includes it; `excludes`: no row's does. */
async function quickPickRows(page, minItems, timeoutMs, { includes, excludes } = {}) {
  try {
    await page.waitForFunction(([sel, min, some, none]) => {
      const widget = document.querySelector(sel.quickInput);
      if (!widget || getComputedStyle(widget).display === 'none') return false;
      const rows = [...document.querySelectorAll(sel.quickInputRow)];
      if (rows.length < min) return false;
      const texts = rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' '));
      return (!some || texts.some((t) => t.includes(some))) && (!none || !texts.some((t) => t.includes(none)));
    }, [SELECTORS, minItems, includes ?? null, excludes ?? null], { timeout: timeoutMs });
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const rows = await visibleRows(page);
    throw new Error(`no visible quick pick with at least ${minItems} row(s)${includes ? ` including ${JSON.stringify(includes)}` : ''}${excludes ? ` and none including ${JSON.stringify(excludes)}` : ''} within ${timeoutMs} ms; rows now: ${JSON.stringify(rows)}`, { cause: error });
  }
  return visibleRows(page);
}

function visibleRows(page) {
  return page.evaluate((sel) => {
    const widget = document.querySelector(sel.quickInput);
    if (!widget || getComputedStyle(widget).display === 'none') return [];
    const text = (row, s) => (row.querySelector(s)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    return [...document.querySelectorAll(sel.quickInputRow)].map((row) => ({
      label: text(row, sel.quickInputRowLabel),
      description: text(row, sel.quickInputRowDescription),
      detail: text(row, sel.quickInputRowDetail),
      ariaLabel: row.getAttribute('aria-label') ?? '',
    }));
  }, SELECTORS);
}

/**
 * The rows of the tree in the view pane titled `viewTitle` (case-insensitive), once it shows at
 * least `minRows` rows and, if given, a row whose text or aria-label includes `textIncludes` and
 * welcome content (shown when the tree is empty) that includes `welcomeIncludes`.
 */
async function treeRows(page, { viewTitle, minRows, textIncludes, textExcludes, welcomeIncludes }, timeoutMs) {
  const find = (args) => {
    const [sel, title, min, rowText, welcomeText, absentText, waiting] = args;
    const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
    const wanted = norm(title);
    // Visible panes only: a hidden container keeps its panes in the DOM, and VS Code's own
    // Explorer has a "Timeline" view too.
    const panes = [...document.querySelectorAll(sel.pane)].filter((p) => p.getClientRects().length > 0);
    let pane = panes.find((p) => norm(p.querySelector(sel.paneTitle)?.textContent) === wanted);
    if (!pane) {
      // A container with one view hides the pane header and titles the side bar instead.
      const sideBarTitle = norm(document.querySelector(sel.sideBarTitle)?.textContent);
      const sideBarPanes = document.querySelectorAll(sel.sideBarPane);
      if (sideBarTitle === wanted && sideBarPanes.length === 1) pane = sideBarPanes[0];
    }
    if (!pane) {
      if (waiting) return false;
      return { titles: panes.map((p) => p.querySelector(sel.paneTitle)?.textContent ?? '').concat(`side bar: ${document.querySelector(sel.sideBarTitle)?.textContent ?? ''}`) };
    }
    const body = pane.querySelector(sel.paneBody) ?? pane;
    const rows = [...body.querySelectorAll(sel.listRow)].map((row) => ({
      ariaLabel: row.getAttribute('aria-label') ?? '',
      text: ((row.querySelector(sel.treeRowContents) ?? row).textContent ?? '').replace(/\s+/g, ' ').trim(),
      level: Number(row.getAttribute('aria-level') ?? 0),
    }));
    const welcome = (body.querySelector(sel.welcomeView)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const matches =
      rows.length >= min &&
      (!rowText || rows.some((r) => r.text.includes(rowText) || r.ariaLabel.includes(rowText))) &&
      (!absentText || !rows.some((r) => r.text.includes(absentText) || r.ariaLabel.includes(absentText))) &&
      (!welcomeText || welcome.includes(welcomeText));
    return waiting && !matches ? false : { rows, welcome };
  };
  const args = [SELECTORS, viewTitle, minRows, textIncludes ?? null, welcomeIncludes ?? null, textExcludes ?? null];
  try {
    const handle = await page.waitForFunction(find, [...args, true], { timeout: timeoutMs });
    return await handle.jsonValue();
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const now = await page.evaluate(find, [...args, false]);
    throw new Error(
      now.titles
        ? `no view pane titled ${JSON.stringify(viewTitle)} within ${timeoutMs} ms (is its container open?); panes: ${JSON.stringify(now.titles)}`
        : `the ${viewTitle} tree did not show ${JSON.stringify({ minRows, textIncludes, textExcludes })} within ${timeoutMs} ms; rows: ${JSON.stringify(now.rows)}; welcome: ${JSON.stringify(now.welcome)}`, { cause: error },
    );
  }
}

/** Opens the notifications centre (if closed) and reads it, waiting for a message with `includes`. */
async function notifications(page, includes, timeoutMs) {
  const open = await page.evaluate((sel) => {
    const center = document.querySelector(sel.notificationsCenter);
    return !!center && center.classList.contains('visible');
  }, SELECTORS);
  if (!open) {
    await runFromPalette(page, 'Notifications: Show Notifications', {}, timeoutMs);
    await page.waitForSelector(`${SELECTORS.notificationsCenter}.visible`, { timeout: timeoutMs });
  }
  const read = ([sel, wanted, waiting]) => {
    const messages = [...document.querySelectorAll(sel.notificationMessage)].map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
    return waiting && wanted && !messages.some((m) => m.includes(wanted)) ? false : messages;
  };
  try {
    const handle = await page.waitForFunction(read, [SELECTORS, includes ?? null, true], { timeout: timeoutMs });
    return await handle.jsonValue();
  } catch (error) {
    if (!/Timeout/i.test(error.message)) throw error;
    const now = await page.evaluate(read, [SELECTORS, includes ?? null, false]);
    throw new Error(`no notification including ${JSON.stringify(includes)} within ${timeoutMs} ms; the centre shows ${JSON.stringify(now)}`, { cause: error });
  }
}
