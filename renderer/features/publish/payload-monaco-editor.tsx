import Editor from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { monaco } from '../../ui/monaco-setup';
import { translate, useTranslation } from '../../ui/i18n';

import type { PayloadEditorProps } from './payload-editor';

export interface MonacoPayloadEditorProps extends PayloadEditorProps {
  /** Where the plain editor's selection was (UTF-16 offsets), and whether it had the focus: Monaco takes both over. */
  handOver?: { start: number; end: number; focused: boolean };
}

/** The payload editor in Monaco; payload-editor.tsx shows a plain one until this has loaded. */
export default function MonacoPayloadEditor({ value, language, dark, onChange, onSubmit, handOver }: MonacoPayloadEditorProps) {
  const { t } = useTranslation('publish');
  // The editor keeps the first callback it is given; route it through a ref to see fresh state.
  const submit = useRef(onSubmit);
  useEffect(() => {
    submit.current = onSubmit;
  }, [onSubmit]);

  return (
      <Editor
        value={value}
        language={language}
        theme={dark ? 'vs-dark' : 'vs'}
        onChange={(text) => onChange(text ?? '')}
        onMount={(editor) => {
          const model = editor.getModel();
          if (handOver && model) {
            const start = model.getPositionAt(handOver.start);
            const end = model.getPositionAt(handOver.end);
            editor.setSelection(new monaco.Selection(start.lineNumber, start.column, end.lineNumber, end.column));
            if (handOver.focused) editor.focus();
          }
          editor.addAction({
            id: 'workbench.publish',
            label: translate('publish:bar.publish'),
            keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
            run: () => submit.current(),
          });
        }}
        options={{
          // Monaco's own label is English; a screen reader hears what the editor holds in the UI language.
          ariaLabel: t('editorLabel'),
          minimap: { enabled: false },
          lineNumbers: 'on',
          lineNumbersMinChars: 3,
          folding: true,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fontSize: 12,
          tabSize: 2,
          wordWrap: 'on',
          renderLineHighlight: 'none',
          fixedOverflowWidgets: true,
        }}
      />
  );
}
