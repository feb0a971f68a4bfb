// @vitest-environment happy-dom
/**
 * The page's copy of the UI state (renderer/app/ui-state-cache.ts): one per data folder on one
 * origin, so two folders' choices never mix, and the page can draw at once from its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PageStorage, folderIdOf, selectUiStateCopy, uiStateEntries } from '../../renderer/app/ui-state-cache';

/** happy-dom's localStorage (typed by shape: this file compiles without the DOM's types). */
const localStorage = (globalThis as unknown as { localStorage: PageStorage & { clear(): void } }).localStorage;

afterEach(() => localStorage.clear());

describe("the page's copy of a data folder's UI state", () => {
  it('keeps the plain keys when they are this folder\'s, or were left by a page that marked none', () => {
    localStorage.setItem('workbench.theme', 'dark');
    selectUiStateCopy('folder-a');
    expect(localStorage.getItem('workbench.theme')).toBe('dark');
    selectUiStateCopy('folder-a');
    expect(uiStateEntries(localStorage)).toEqual({ 'workbench.theme': 'dark' });
  });

  it("puts another folder's copy aside and brings it back: the defaults for a folder never seen here", () => {
    selectUiStateCopy('folder-a');
    localStorage.setItem('workbench.theme', 'dark');
    localStorage.setItem('workbench.publishHistory', '["kept by this browser"]');

    selectUiStateCopy('folder-b');
    expect(uiStateEntries(localStorage)).toEqual({});
    // Not UI state: the browser's own publish history stays.
    expect(localStorage.getItem('workbench.publishHistory')).toBe('["kept by this browser"]');
    localStorage.setItem('ui.language', 'zh-CN');

    selectUiStateCopy('folder-a');
    expect(uiStateEntries(localStorage)).toEqual({ 'workbench.theme': 'dark' });
    selectUiStateCopy('folder-b');
    expect(uiStateEntries(localStorage)).toEqual({ 'ui.language': 'zh-CN' });
  });

  it('tells folders apart by their token without keeping it', () => {
    const token = 'a'.repeat(43);
    expect(folderIdOf(token)).toBe(folderIdOf(token));
    expect(folderIdOf(token)).not.toBe(folderIdOf(`${'a'.repeat(42)}b`));
    expect(folderIdOf(token)).not.toContain(token.slice(0, 8));
  });
});
