import type { Bridge } from '../bridge';
import { onChoiceWritten, storedChoicesChanged } from '../ui/stored-choice';
import { isUiStateKey, uiStateEntries } from './ui-state-cache';

/** Choices written within this time go to the host together. */
const BATCH_MS = 300;
/**
 * Choices written here that the host has not confirmed yet (a reload right after a click can come
 * before the batch went out, a click before the host's state came in): they win over the host's
 * values, and are sent again. One list per data folder (see ui-state-cache.ts).
 */
const UNSENT_PREFIX = 'workbench.uiState.unsent.';
/** Where pages of earlier versions kept them (one list for every folder): taken over once. */
const LEGACY_UNSENT_KEY = 'workbench.uiState.unsent';

type Entries = Record<string, string>;

/**
 * The UI's remembered choices live in the data folder (app.uiState), not per browser origin: a new
 * port, another browser or the desktop app find the same layout. The page does not wait for them:
 * it renders from its copy (ui-state-cache.ts), and this asks the host for its state at once (the
 * request waits for the socket, and the host answers it once its core is ready). What differs from
 * the copy is written to it and the readers are told (stored-choice.ts), except the choices the
 * user made meanwhile, which win and are sent. From then on every choice written also goes to the
 * host, batched. Asked again whenever the link opens again (a restarted host, another page may
 * have changed it).
 */
export function startUiStateSync(bridge: Bridge, folder: string): void {
  const { api } = bridge;
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  const unsentKey = UNSENT_PREFIX + folder;

  const readUnsent = (): Entries => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(unsentKey) ?? '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Entries) : {};
    } catch {
      return {};
    }
  };
  const writeUnsent = (entries: Entries) => {
    try {
      if (Object.keys(entries).length === 0) storage?.removeItem(unsentKey);
      else storage?.setItem(unsentKey, JSON.stringify(entries));
    } catch {
      // Storage full or disabled: the batch below still goes out.
    }
  };
  try {
    const legacy = storage?.getItem(LEGACY_UNSENT_KEY);
    if (legacy != null) {
      storage?.removeItem(LEGACY_UNSENT_KEY);
      if (storage?.getItem(unsentKey) == null) storage?.setItem(unsentKey, legacy);
    }
  } catch {
    // Nothing to take over.
  }

  /** Sends what is unsent; once the host has it, forgets what did not change meanwhile. */
  const send = async () => {
    const entries = readUnsent();
    if (Object.keys(entries).length === 0) return;
    const result = await api.app.setUiState({ entries });
    if (!result.ok) return;
    const now = readUnsent();
    for (const [key, value] of Object.entries(entries)) if (now[key] === value) delete now[key];
    writeUnsent(now);
  };

  /** The host's state over the copy: only what differs is written, and its readers told. */
  const apply = (entries: Entries) => {
    if (!storage) return;
    const unsent = readUnsent();
    const changed = new Set<string>();
    try {
      for (const [key, value] of Object.entries(entries)) {
        if (key in unsent || !isUiStateKey(key) || storage.getItem(key) === value) continue;
        storage.setItem(key, value);
        changed.add(key);
      }
      // What the host no longer has (reset, or removed from another page) goes here too.
      for (const key of Object.keys(uiStateEntries(storage))) {
        if (key in entries || key in unsent) continue;
        storage.removeItem(key);
        changed.add(key);
      }
    } catch {
      // Storage full or disabled: what was written is told below.
    }
    storedChoicesChanged(changed);
  };

  let pulling = false;
  const pull = async () => {
    if (pulling) return;
    pulling = true;
    try {
      const result = await api.app.uiState({});
      if (result.ok) apply(result.value.entries);
    } finally {
      pulling = false;
    }
    void send();
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  // Written before the host's state came in, too: the user's choice wins over it.
  onChoiceWritten((key, value) => {
    writeUnsent({ ...readUnsent(), [key]: value });
    timer ??= setTimeout(() => {
      timer = undefined;
      void send();
    }, BATCH_MS);
  });
  // A tab closed right after a click (a closed connection tab, a moved pane): send now, not in 300 ms.
  globalThis.addEventListener?.('pagehide', () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    void send();
  });
  // First, before the requests of the first screen (the socket sends in order): a request made
  // before the socket opened waits for it (websocket-client.ts).
  void pull();
  // Asked again whenever the link opens (again); the first open finds the pull above in flight.
  bridge.onLink((link) => {
    if (link.state === 'open') void pull();
  });
}
