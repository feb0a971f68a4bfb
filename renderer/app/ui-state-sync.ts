import type { Bridge } from '../bridge';
import { onChoiceWritten } from '../ui/stored-choice';

/** Choices written within this time go to the host together. */
const BATCH_MS = 300;

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
    if (result?.ok) for (const [key, value] of Object.entries(result.value.entries)) storage?.setItem(key, value);
  } catch {
    // Storage disabled or full: the defaults and this session's choices apply.
  }
  let pending: Record<string, string> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  onChoiceWritten((key, value) => {
    pending[key] = value;
    timer ??= setTimeout(() => {
      timer = undefined;
      const entries = pending;
      pending = {};
      void api.app.setUiState({ entries });
    }, BATCH_MS);
  });
}
