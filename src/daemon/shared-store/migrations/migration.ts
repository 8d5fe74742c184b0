// A numbered migration of the shared PostgreSQL schema: applied once, in order, each in its own
// transaction together with its row in dormouse.schema_migrations. Never edit a released one.
export interface SharedMigration {
  version: number;
  name: string;
  sql: string;
}
