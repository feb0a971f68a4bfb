import { useEffect, useRef, useState } from 'react';
import { monaco } from '../../ui/monaco-setup';

export interface PayloadDiffProps {
  original: string;
  modified: string;
  language: 'json' | 'plaintext';
  dark: boolean;
}

/**
 * Monaco's diff editor, read-only, between an earlier payload of the topic (left) and the selected
 * one (right). Its models are owned here and disposed after the editor lets go of them.
 */
export default function PayloadDiff({ original, modified, language, dark }: PayloadDiffProps) {
  const host = useRef<HTMLDivElement>(null);
  const models = useRef<{ original: monaco.editor.ITextModel; modified: monaco.editor.ITextModel } | null>(null);
  const [changes, setChanges] = useState<number | null>(null);

  useEffect(() => {
    const pair = { original: monaco.editor.createModel('', 'plaintext'), modified: monaco.editor.createModel('', 'plaintext') };
    const editor = monaco.editor.createDiffEditor(host.current!, {
      readOnly: true,
      originalEditable: false,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 12,
      renderLineHighlight: 'none',
      renderValidationDecorations: 'off',
      renderOverviewRuler: false,
      // The detail is often under 900 px wide; side by side still reads best for payloads.
      useInlineViewWhenSpaceIsLimited: false,
      lineNumbersMinChars: 3,
    });
    editor.setModel(pair);
    models.current = pair;
    const listener = editor.onDidUpdateDiff(() => setChanges(editor.getLineChanges()?.length ?? 0));
    return () => {
      models.current = null;
      listener.dispose();
      editor.setModel(null);
      editor.dispose();
      pair.original.dispose();
      pair.modified.dispose();
    };
  }, []);

  useEffect(() => {
    const pair = models.current;
    if (!pair) return;
    for (const [model, text] of [
      [pair.original, original],
      [pair.modified, modified],
    ] as const) {
      monaco.editor.setModelLanguage(model, language);
      if (model.getValue() !== text) model.setValue(text);
    }
  }, [original, modified, language]);

  useEffect(() => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'), [dark]);

  return <div className="detail-monaco" ref={host} data-testid="message-diff" data-changes={changes ?? undefined} />;
}
