// "Recall…": a quick pick with live full-text search. Each keystroke is debounced, the previous
// search's answer is ignored once a newer one was sent, and results always show (the FTS query,
// not the quick pick's fuzzy filter, decides what matches).
import * as vscode from 'vscode';
import type { RecallHit } from '../../shared/protocol';
import { Debouncer } from '../core/batcher';
import { formatAgo } from '../core/duration';
import { RealClock } from '../../shared/clock';

export type SearchMemories = (query: string) => Promise<RecallHit[]>;

interface HitItem extends vscode.QuickPickItem {
  hit: RecallHit;
}

/** The daemon marks matches with [ ]; the quick pick highlights nothing in details, so plain text reads best. */
export function plainSnippet(snippet: string): string {
  return snippet.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();
}

export function showRecallQuickPick(search: SearchMemories, open: (hit: RecallHit) => Promise<void>, initialQuery = ''): Promise<void> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<HitItem>();
    pick.title = 'Dormouse: Recall';
    pick.placeholder = 'Search your memories (full text: words, "phrases", prefix*)';
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    const debouncer = new Debouncer<'search'>({ clock: new RealClock(), delayMs: 120 });
    let generation = 0;

    const run = (query: string) => {
      const mine = ++generation;
      if (!query.trim()) {
        pick.items = [];
        pick.busy = false;
        return;
      }
      pick.busy = true;
      search(query).then(
        (hits) => {
          if (mine !== generation) return;
          const now = Date.now();
          pick.items = hits.map((hit) => ({
            hit,
            label: `$(${hit.kind === 'terminal' ? 'terminal' : hit.kind === 'selection' ? 'selection' : 'file'}) ${hit.title}`,
            description: `${hit.kind} · ${formatAgo(now - Date.parse(hit.capturedAt))}${hit.path && hit.path !== hit.title ? ` · ${hit.path}` : ''}`,
            detail: plainSnippet(hit.snippet),
            alwaysShow: true,
          }));
          if (hits.length === 0) pick.items = [];
          pick.busy = false;
        },
        (error: unknown) => {
          if (mine !== generation) return;
          pick.busy = false;
          pick.items = [];
          pick.placeholder = `Search failed: ${error instanceof Error ? error.message : String(error)}`;
        },
      );
    };

    pick.onDidChangeValue((value) => debouncer.run('search', () => run(value)));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      pick.hide();
      if (chosen) void open(chosen.hit);
    });
    pick.onDidHide(() => {
      debouncer.dispose();
      pick.dispose();
      resolve();
    });
    pick.show();
    if (initialQuery) {
      pick.value = initialQuery;
      run(initialQuery);
    }
  });
}
