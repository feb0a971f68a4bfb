export { type PostgresHistoryOptions, PostgresHistoryStore, openPostgresHistoryStore } from './postgres-history-store';
export { POSTGRES_MIGRATIONS } from './postgres-migrations';
export {
  type PostgresHistorySourceOptions,
  type PostgresSource,
  TAIL_CHANNEL,
  createPostgresHistory,
  isConnectionError,
  poolConfigFor,
  toHistoryError,
} from './create-postgres-history';
