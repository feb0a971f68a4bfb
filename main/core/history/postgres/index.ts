export { type PostgresHistoryOptions, PostgresHistoryStore, openPostgresHistoryStore } from './postgres-history-store';
export { POSTGRES_MIGRATIONS } from './postgres-migrations';
