import { afterEach, describe, expect, it, vi } from 'vitest';
import { readChoice, writeChoice } from '../../renderer/ui/stored-choice';

/** localStorage as the page has it, backed by a Map (Node has none). */
function installStorage(entries: Record<string, string> = {}): Map<string, string> {
  const map = new Map(Object.entries(entries));
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
  });
  return map;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('choices remembered across launches', () => {
  it('reads back what was written, and falls back on an unknown (stale or edited) value', () => {
    const map = installStorage({ 'test.stale': 'sideways' });
    writeChoice('test.size', 'large');
    expect(map.get('test.size')).toBe('large');
    expect(readChoice('test.size', ['small', 'large'], 'small')).toBe('large');
    expect(readChoice('test.stale', ['small', 'large'], 'small')).toBe('small');
    expect(readChoice('test.missing', ['small', 'large'], 'small')).toBe('small');
  });

  it('keeps working when storage is disabled or full: the fallback is read, a write is dropped quietly', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('SecurityError: storage disabled');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(readChoice('test.size', ['small', 'large'], 'small')).toBe('small');
    expect(() => writeChoice('test.size', 'large')).not.toThrow();
  });

  it('the plots chart opens with the time window and y axes chosen last time', async () => {
    const map = installStorage({ 'workbench.plots.window': '15m', 'workbench.plots.axes': 'shared' });
    const { usePlotsStore } = await import('../../renderer/stores/plots-store');
    expect(usePlotsStore.getState().window).toBe('15m');
    expect(usePlotsStore.getState().axes).toBe('shared');
    usePlotsStore.getState().setAxes('per-series');
    usePlotsStore.getState().setWindow('1m');
    expect(map.get('workbench.plots.axes')).toBe('per-series');
    expect(map.get('workbench.plots.window')).toBe('1m');
  });
});
