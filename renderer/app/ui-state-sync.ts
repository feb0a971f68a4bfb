import type { Bridge } from '../bridge';
import { onChoiceWritten } from '../ui/stored-choice';

/** Choices written within this time go to the host together. */
const BATCH_MS = 300;
/**
 * Choices written here that the host has not confirmed yet (a reload right after a click can come
 * before the batch went out): they win over the host's older values, and are sent again.
 */
const UNSENT_KEY = 'workbench.uiState.unsent';

type Entries = Record<string, string>;

/**
 * The UI's remembered choices live in the data folder (app.uiState), not per browser origin: a new
 * port, another browser or the desktop app find the same layout. Before the stores read them, this
 * page's localStorage is filled from the host's state (waiting at most `timeoutMs`: a host that does
 * not answer leaves what this browser remembered); from then on every choice written also goes to
 * the host, batched.
 */
export async function startUiStateSync(bridge: Bridge, timeoutMs = 1500): Promise<void> {
  const { api } = bridge;
  const storage = (globalThis as { localStorage?: Storage }).localStorage;

  const readUnsent = (): Entries => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(UNSENT_KEY) ?? '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Entries) : {};
    } catch {
      return {};
    }
  };
  const writeUnsent = (entries: Entries) => {
    try {
      if (Object.keys(entries).length === 0) storage?.removeItem(UNSENT_KEY);
      else storage?.setItem(UNSENT_KEY, JSON.stringify(entries));
    } catch {
      // Storage full or disabled: the batch below still goes out.
    }
  };

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

  try {
    const deadline = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
    // A request before the link is open fails at once: wait for it (the host may still be starting).
    const open = new Promise<true>((resolve) => {
      if (bridge.link().state === 'open') return resolve(true);
      const stop = bridge.onLink((link) => {
        if (link.state !== 'open') return;
        stop();
        resolve(true);
      });
    });
    const result = await Promise.race([open.then(() => api.app.uiState({})), deadline]);
    if (result?.ok) {
      const unsent = readUnsent();
      for (const [key, value] of Object.entries(result.value.entries)) if (!(key in unsent)) storage?.setItem(key, value);
      void send();
    }
  } catch {
    // Storage disabled or full: the defaults and this session's choices apply.
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  // A tab closed right after a click (a closed connection tab, a moved pane): send now, not in 300 ms.
  globalThis.addEventListener?.('pagehide', () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    void send();
  });
  onChoiceWritten((key, value) => {
    writeUnsent({ ...readUnsent(), [key]: value });
    timer ??= setTimeout(() => {
      timer = undefined;
      void send();
    }, BATCH_MS);
  });
}
