import { useEffect, useRef } from 'react';
import { monaco } from '../../ui/monaco-setup';
import { type NumberPicker, attachNumberPicker } from './number-picker';
import { useTranslation } from '../../ui/i18n';

const VIEW_OPTIONS = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  automaticLayout: true,
  fontSize: 12,
  lineNumbersMinChars: 4,
  renderLineHighlight: 'none',
  folding: true,
  fixedOverflowWidgets: true,
  // The view is for reading: no squiggles, hovers or suggestions over a message.
  renderValidationDecorations: 'off',
  hover: { enabled: 'off' },
  quickSuggestions: false,
  contextmenu: true,
} satisfies monaco.editor.IEditorOptions;

export interface PayloadMonacoProps {
  text: string;
  language: 'json' | 'plaintext';
  dark: boolean;
  /** Hex dumps stay in columns; text and JSON wrap. */
  wrap: boolean;
  /** Off for hex dumps: their offset column already says where a line is, and width is scarce. */
  lineNumbers: boolean;
  /** Makes the numbers in the text pickable (to plot them); absent for views where digits are not values (hex). */
  numberPicker?: NumberPicker | undefined;
}

/**
 * The payload in a read-only Monaco editor. Made with Monaco's own API (not the React wrapper) so
 * its model is created and disposed exactly once, whatever React does with the component.
 */
export default function PayloadMonaco({ text, language, dark, wrap, lineNumbers, numberPicker }: PayloadMonacoProps) {
  const { t } = useTranslation('messages');
  const label = t('detail.viewerLabel');
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Read by the picker at each event, so a new picker (another payload) needs no re-attaching.
  const picker = useRef(numberPicker);
  useEffect(() => {
    picker.current = numberPicker;
  }, [numberPicker]);

  useEffect(() => {
    const model = monaco.editor.createModel('', 'plaintext');
    const created = monaco.editor.create(host.current!, { ...VIEW_OPTIONS, model });
    editor.current = created;
    const picking = attachNumberPicker(created, () => picker.current);
    return () => {
      editor.current = null;
      picking.dispose();
      created.dispose();
      model.dispose();
    };
  }, []);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelLanguage(model, language);
    if (model.getValue() !== text) model.setValue(text);
  }, [text, language]);

  useEffect(() => editor.current?.updateOptions({ wordWrap: wrap ? 'on' : 'off', lineNumbers: lineNumbers ? 'on' : 'off' }), [wrap, lineNumbers]);
  useEffect(() => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'), [dark]);
  // Monaco's own label is English; a screen reader hears what the view holds in the UI language.
  useEffect(() => editor.current?.updateOptions({ ariaLabel: label }), [label]);

  return <div className="detail-monaco" ref={host} data-testid="message-detail-payload" data-language={language} />;
}
