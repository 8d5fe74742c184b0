// A numbered migration: applied once, in order, inside one transaction, recorded in
// PRAGMA user_version. Never edit a released migration; add the next number.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
