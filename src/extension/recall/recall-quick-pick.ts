// "Recall…": a quick pick over the daemon's recall, in the query language as typed (words,
// "phrases", -exclusions, kind:, in:, lang:, failed, since:/before:, today, yesterday…). The text
// goes to the daemon as is; it is also parsed here on each change only to show a bad filter value
// at once, in place of the results, instead of an empty list. An empty query lists the newest
// memories. The title bar's kind buttons add or remove `kind:` in the text itself, so what
// narrows the list is always visible and editable. Each result says why it matched and when, and
// has a Forget button; with a shared store, another machine's memory says `on <machine>` instead
// of offering Forget (it is forgotten on the machine that captured it: core/memory-ref.ts).
//
// Each keystroke is debounced; an answer is ignored once a newer search was sent; results always
// show (the daemon's query, not the quick pick's fuzzy filter, decides what matches).
import * as vscode from 'vscode';
import type { Clock } from '../../shared/clock';
import { DisposableStore } from '../../shared/lifecycle';
import type { MemoryKind, RecallAnswer, RecallHit } from '../../shared/protocol';
import { type ParsedQuery, QueryError } from '../../shared/recall-query';
import { Debouncer } from '../core/batcher';
import { forgetRefusal, machineLabel, memoryRef } from '../core/memory-ref';
import { MEMORY_KINDS, describeMatch, kindInQuery, noResultsHint, recallNoteRow, toggleKindInQuery } from '../core/recall-text';
import { formatWhen } from '../core/relative-time';
import { errorMessage } from '../../shared/error-message';

export interface RecallQuickPickDeps {
  clock: Clock;
  /** The daemon's recall for the text as typed (the caller adds roots and the limit), with its note when partial. */
  search(query: string): Promise<RecallAnswer>;
  /** Throws QueryError for a bad filter value. */
  parse(query: string): ParsedQuery;
  open(hit: RecallHit): Promise<void>;
  /** Asks first (modal); resolves true once forgotten. */
  forget(hit: RecallHit): Promise<boolean>;
}

interface RecallItem extends vscode.QuickPickItem {
  hit?: RecallHit;
}

const KIND_LOOK: Record<MemoryKind, { icon: string; name: string }> = {
  file: { icon: 'file', name: 'file snapshots' },
  selection: { icon: 'selection', name: 'selections' },
  terminal: { icon: 'terminal', name: 'terminal commands' },
  text: { icon: 'note', name: 'notes' },
};

interface KindButton extends vscode.QuickInputButton {
  kind: MemoryKind;
}

const FORGET_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Forget this memory…' };

/** The daemon marks matches with [ ]; the quick pick highlights nothing in details, so plain text reads best. */
function plainSnippet(snippet: string): string {
  return snippet.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();
}

function kindButtons(value: string): KindButton[] {
  const active = kindInQuery(value);
  return MEMORY_KINDS.map((kind) => ({
    kind,
    iconPath: new vscode.ThemeIcon(active === kind ? 'filter-filled' : KIND_LOOK[kind].icon),
    tooltip: active === kind ? `Show every kind (remove kind:${kind})` : `Only ${KIND_LOOK[kind].name} (kind:${kind})`,
  }));
}

function hitItem(hit: RecallHit, now: number): RecallItem {
  const why = describeMatch(hit.match);
  const exit = hit.kind === 'terminal' && hit.exitCode !== undefined && hit.exitCode !== null ? ` · exit ${hit.exitCode}` : '';
  const where = hit.path && hit.path !== hit.title ? ` · ${hit.path}` : '';
  const snippet = plainSnippet(hit.snippet);
  const ref = memoryRef(hit);
  const machine = machineLabel(ref);
  return {
    hit,
    label: `$(${KIND_LOOK[hit.kind]?.icon ?? 'file'}) ${hit.title}`,
    description: `${formatWhen(Date.parse(hit.capturedAt), now)}${exit}${machine ? ` · ${machine}` : ''}${why ? ` · ${why}` : ''}`,
    detail: `${snippet || hit.kind}${where}`,
    alwaysShow: true,
    buttons: forgetRefusal(ref) ? [] : [FORGET_BUTTON],
  };
}

const PLACEHOLDER = 'Search memories: words, "phrases", -not, kind:terminal, in:src, lang:ts, failed, since:3d, yesterday (empty: newest)';

export function showRecallQuickPick(deps: RecallQuickPickDeps, initialQuery = ''): Promise<void> {
  return new Promise((resolve) => {
    const store = new DisposableStore();
    const pick = vscode.window.createQuickPick<RecallItem>();
    store.add(pick);
    pick.title = 'Dormouse: Recall';
    pick.placeholder = PLACEHOLDER;
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    pick.buttons = kindButtons('');
    const debouncer = store.add(new Debouncer<'search'>({ clock: deps.clock, delayMs: 120 }));
    let generation = 0;

    const show = (items: RecallItem[], placeholder = PLACEHOLDER) => {
      pick.items = items;
      pick.placeholder = placeholder;
      pick.busy = false;
    };
    const problem = (message: string, word?: string): RecallItem => ({ label: `$(warning) ${message}`, ...(word ? { description: word } : {}), alwaysShow: true });

    const run = (query: string) => {
      const mine = ++generation;
      let parsed: ParsedQuery | null = null;
      try {
        parsed = deps.parse(query);
      } catch (error) {
        if (error instanceof QueryError) {
          // The list says what is wrong instead of going empty: the user sees which word to fix.
          show([problem(error.message, error.word)], error.message);
          return;
        }
        parsed = null; // a parser bug must not block searching: the daemon decides
      }
      pick.busy = true;
      deps.search(query).then(
        ({ hits, note }) => {
          if (mine !== generation) return;
          const now = deps.clock.now();
          // A partial answer (the shared store unreachable) says so first: a message row, no hit.
          const head: RecallItem[] = note ? [{ ...recallNoteRow(note), alwaysShow: true }] : [];
          if (hits.length === 0) {
            show([...head, { label: query.trim() ? '$(search-stop) No memories match' : '$(info) No memories yet', detail: noResultsHint(query, parsed), alwaysShow: true }]);
            return;
          }
          show([...head, ...hits.map((hit) => hitItem(hit, now))]);
        },
        (error: unknown) => {
          if (mine !== generation) return;
          const message = errorMessage(error);
          show([problem(`Search failed: ${message}`)], `Search failed: ${message}`);
        },
      );
    };

    store.add(pick.onDidChangeValue((value) => {
      pick.buttons = kindButtons(value);
      debouncer.run('search', () => run(value));
    }));
    store.add(pick.onDidTriggerButton((button) => {
      const kind = (button as KindButton).kind;
      if (!kind) return;
      const value = toggleKindInQuery(pick.value, kind);
      pick.value = value;
      pick.buttons = kindButtons(value);
      debouncer.cancel('search');
      run(value);
    }));
    store.add(pick.onDidTriggerItemButton(async ({ item }) => {
      if (!item.hit) return;
      // The modal takes focus; the quick pick must not close under it.
      pick.ignoreFocusOut = true;
      try {
        if (await deps.forget(item.hit)) run(pick.value);
      } finally {
        pick.ignoreFocusOut = false;
      }
    }));
    store.add(pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (!chosen?.hit) return; // a message row (no results, a bad filter): nothing to open
      pick.hide();
      void deps.open(chosen.hit);
    }));
    store.add(pick.onDidHide(() => {
      store.dispose();
      resolve();
    }));
    pick.show();
    if (initialQuery) {
      pick.value = initialQuery;
      pick.buttons = kindButtons(initialQuery);
    }
    // At once, not debounced: an empty query lists the newest memories the moment the pick opens.
    run(initialQuery);
  });
}
