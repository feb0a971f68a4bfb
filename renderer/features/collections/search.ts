import type { Collection, SavedMessage } from '../../../shared/contract';

/** Saved messages whose name, topic or payload contains the query (case-insensitive), in the collection's order. */
export function searchMessages(messages: readonly SavedMessage[], query: string): SavedMessage[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...messages];
  return messages.filter((m) => m.name.toLowerCase().includes(needle) || m.topic.toLowerCase().includes(needle) || m.payload.toLowerCase().includes(needle));
}

/** The collections a connection sees: the shared ones, then its profile's own. */
export function visibleCollections(collections: readonly Collection[], profileId: string | undefined): Collection[] {
  return [...collections.filter((c) => !c.profileId), ...collections.filter((c) => profileId !== undefined && c.profileId === profileId)];
}

/** `name=value` a line (what the variable editors show) from a set, sorted as written. */
export function variablesText(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}
