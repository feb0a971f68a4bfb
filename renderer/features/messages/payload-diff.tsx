import { useEffect, useRef, useState } from 'react';
import { monaco } from '../../ui/monaco-setup';
import { useTranslation } from '../../ui/i18n';

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
  const { t } = useTranslation('messages');
  const earlierLabel = t('diff.earlierLabel');
  const thisLabel = t('diff.thisLabel');
  const host = useRef<HTMLDivElement>(null);
  const diffEditor = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
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
    diffEditor.current = editor;
    const listener = editor.onDidUpdateDiff(() => setChanges(editor.getLineChanges()?.length ?? 0));
    return () => {
      models.current = null;
      diffEditor.current = null;
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
  // Monaco's own labels are English; a screen reader hears which side is which in the UI language.
  useEffect(() => {
    diffEditor.current?.getOriginalEditor().updateOptions({ ariaLabel: earlierLabel });
    diffEditor.current?.getModifiedEditor().updateOptions({ ariaLabel: thisLabel });
  }, [earlierLabel, thisLabel]);

  return <div className="detail-monaco" ref={host} data-testid="message-diff" data-changes={changes ?? undefined} />;
}
