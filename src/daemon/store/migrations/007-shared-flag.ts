import type { Migration } from './migration';

// Whether a memory is shared with the team in the shared store: the capturing workspace had
// dormouse.shareWithTeam on (the capture payload's `shared`). Kept on the memory, not looked up
// at replication time, because the one daemon serves many windows and only the window knows its
// workspace's setting. Existing memories stay private (0). A merge takes the newest capture's flag.
export const migration007SharedFlag: Migration = {
  version: 7,
  name: 'shared-flag',
  sql: `ALTER TABLE memories ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;`,
};
