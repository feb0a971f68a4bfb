/**
 * Monaco, bundled and offline: the slim entry (core editor + JSON) instead of every language,
 * workers built by Vite and served from 'self' (the CSP allows nothing else), and the React
 * wrapper told to use this instance; left alone, @monaco-editor/react fetches Monaco from a CDN.
 * Import modules that use it through `loadMonaco` (./monaco-language): it sets Monaco's messages in
 * the UI language first.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/languages/features/json/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/hover/register';
// The JSON language's lazily loaded mode imports every editor contribution (monaco-editor's
// internal/common/workers). Loaded after the first editor has created Monaco's services, they fail
// ("depends on UNKNOWN service ICodeLensCache"), so load them with the editor, before any is made.
import 'monaco-editor/internal/common/workers';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

loader.config({ monaco });

export { monaco };
