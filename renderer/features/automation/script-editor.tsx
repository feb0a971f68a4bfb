import Editor from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { monaco } from '../../ui/monaco-setup';
import 'monaco-editor/languages/definitions/javascript/register';
import { useDarkMode } from '../../ui/theme';
import { translate } from '../../ui/i18n';

export interface ScriptEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor (run the test pane). */
  onRun?(): void;
  testId: string;
  height?: number;
}

/**
 * A user script in Monaco (JavaScript highlighting only: the language service is not bundled, the
 * sandbox is what checks the script). Loaded lazily, as the publish panel's editor is.
 */
export default function ScriptEditor({ value, onChange, onRun, testId, height = 240 }: ScriptEditorProps) {
  const dark = useDarkMode();
  // The editor keeps the first callback it is given; route it through a ref to see fresh state.
  const run = useRef(onRun);
  useEffect(() => {
    run.current = onRun;
  }, [onRun]);
  return (
    <div className="script-editor" data-testid={testId} style={{ height }}>
      <Editor
        value={value}
        language="javascript"
        theme={dark ? 'vs-dark' : 'vs'}
        onChange={(text) => onChange(text ?? '')}
        onMount={(editor) => {
          editor.addAction({ id: 'workbench.runScript', label: translate('automation:editor.runScript'), keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => run.current?.() });
        }}
        options={{
          // Monaco's own label is English; a screen reader hears what the editor holds in the UI language.
          ariaLabel: translate('automation:editor.label'),
          minimap: { enabled: false },
          lineNumbers: 'on',
          lineNumbersMinChars: 3,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fontSize: 12,
          tabSize: 2,
          renderLineHighlight: 'none',
          // Text typed or dropped in arrives as written: no closing bracket added after a `{`.
          autoClosingBrackets: 'never',
          fixedOverflowWidgets: true,
        }}
      />
    </div>
  );
}
