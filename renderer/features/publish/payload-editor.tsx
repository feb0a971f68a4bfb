import { type ComponentType, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { MonacoPayloadEditorProps } from './payload-monaco-editor';
import { loadMonaco } from '../../ui/monaco-language';

export interface PayloadEditorProps {
  value: string;
  language: 'plaintext' | 'json';
  dark: boolean;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onSubmit(): void;
}

/** Monaco's editor (~1 MB gzip), imported once for the page. */
let monacoEditor: Promise<ComponentType<MonacoPayloadEditorProps>> | undefined;
const loadMonacoEditor = () => (monacoEditor ??= loadMonaco(() => import('./payload-monaco-editor')).then((module) => module.default));

/** Runs `load` once the page is idle after its first paint (a timeout where requestIdleCallback is missing: Safari). */
function whenIdle(load: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(load, { timeout: 3000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(load, 500);
  return () => clearTimeout(id);
}

/**
 * The payload editor. Monaco is not part of the first screen (issue 19): a plain text area with
 * the same value and callbacks stands in until Monaco has loaded in the background, or at once
 * when the user focuses it; Monaco then replaces it with the same text, selection and focus.
 */
export default function PayloadEditor(props: PayloadEditorProps) {
  const [Monaco, setMonaco] = useState<ComponentType<MonacoPayloadEditorProps> | null>(null);
  const plain = useRef<HTMLTextAreaElement>(null);
  const handOver = useRef<MonacoPayloadEditorProps['handOver']>(undefined);
  const load = useRef(() => {});

  useEffect(() => {
    let mounted = true;
    load.current = () => {
      loadMonacoEditor().then(
        (component) => {
          if (!mounted) return;
          const area = plain.current;
          if (area) handOver.current = { start: area.selectionStart, end: area.selectionEnd, focused: document.activeElement === area };
          setMonaco(() => component);
        },
        () => {}, // the plain editor stays: the payload can still be written and sent
      );
    };
    const cancel = whenIdle(() => load.current());
    return () => {
      mounted = false;
      cancel();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      props.onSubmit();
    }
  };

  return (
    <div className="payload-editor" data-testid="publish-editor">
      {Monaco ? (
        <Monaco {...props} handOver={handOver.current} />
      ) : (
        <textarea
          ref={plain}
          className="payload-editor-plain"
          data-testid="publish-editor-plain"
          value={props.value}
          spellCheck={false}
          onChange={(event) => props.onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onFocus={() => load.current()}
        />
      )}
    </div>
  );
}
