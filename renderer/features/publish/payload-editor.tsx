import Editor from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { monaco } from '../../ui/monaco-setup';
import { translate } from '../../ui/i18n';

export interface PayloadEditorProps {
  value: string;
  language: 'plaintext' | 'json';
  dark: boolean;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onSubmit(): void;
}

/** The payload editor; loaded lazily so the rest of the UI paints before Monaco's ~1 MB arrives. */
export default function PayloadEditor({ value, language, dark, onChange, onSubmit }: PayloadEditorProps) {
  // The editor keeps the first callback it is given; route it through a ref to see fresh state.
  const submit = useRef(onSubmit);
  useEffect(() => {
    submit.current = onSubmit;
  }, [onSubmit]);

  return (
    <div className="payload-editor" data-testid="publish-editor">
      <Editor
        value={value}
        language={language}
        theme={dark ? 'vs-dark' : 'vs'}
        onChange={(text) => onChange(text ?? '')}
        onMount={(editor) => {
          editor.addAction({
            id: 'workbench.publish',
            label: translate('publish:bar.publish'),
            keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
            run: () => submit.current(),
          });
        }}
        options={{
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
    </div>
  );
}
