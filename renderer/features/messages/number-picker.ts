import { monaco } from '../../ui/monaco-setup';
import { type JsonPath, formatPath } from '../../payload/json-paths';
import { type JsonNumberAt, jsonNumberAt } from '../../payload/json-number-at';
import { translate } from '../../ui/i18n';

/** What the view does with a number the user picks. */
export interface NumberPicker {
  /** True when `path` reads a number of the payload: the view may show text that only looks like JSON. */
  canPick(path: JsonPath): boolean;
  pick(path: JsonPath): void;
}

const WIDGET_ID = 'workbench.plotNumber';
const NUMBER_CHAR = /[\d.eE+-]/;

function pickLabel(path: JsonPath): string {
  return path.length === 0 ? translate('messages:numbers.plotValue') : translate('messages:numbers.plotPath', { path: formatPath(path) });
}

/**
 * Makes the numbers of a read-only payload view pickable, as MQTT Explorer does: a number under the
 * pointer is underlined, a click offers "Plot <path>" beside it, Ctrl/Cmd+click plots it at once.
 * A button rather than plotting on every click, so a click that only places the caret or starts a
 * selection plots nothing. `picker()` is read at each event (undefined: nothing is pickable now).
 */
export function attachNumberPicker(editor: monaco.editor.IStandaloneCodeEditor, picker: () => NumberPicker | undefined): monaco.IDisposable {
  const hover = editor.createDecorationsCollection();
  let hoveredOffset = -1;
  // The model's text, read again only when it changes (a mouse move must not copy 256 KB).
  let text = { version: -1, value: '' };

  // The last number found: moving across its digits needs no new scan.
  let last: JsonNumberAt | undefined;

  const numberAt = (position: monaco.Position): JsonNumberAt | undefined => {
    const model = editor.getModel();
    const current = picker();
    if (!model || !current) return undefined;
    const version = model.getAlternativeVersionId();
    if (text.version !== version) {
      text = { version, value: model.getValue() };
      last = undefined;
    }
    const offset = model.getOffsetAt(position);
    // The scan reads the text up to the caret (~10 ms at 2.5 MB): only for a caret touching a number's characters.
    if (!last || offset < last.start || offset > last.end) {
      if (!NUMBER_CHAR.test(text.value[offset - 1] ?? '') && !NUMBER_CHAR.test(text.value[offset] ?? '')) return undefined;
      last = jsonNumberAt(text.value, offset);
    }
    return last && current.canPick(last.path) ? last : undefined;
  };

  const rangeOf = (found: JsonNumberAt) => {
    const model = editor.getModel()!;
    return monaco.Range.fromPositions(model.getPositionAt(found.start), model.getPositionAt(found.end));
  };

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'payload-plot-number small primary';
  button.dataset.testid = 'payload-plot-number';
  let offered: { found: JsonNumberAt; position: monaco.Position; preference: monaco.editor.ContentWidgetPositionPreference[] } | null = null;
  const widget: monaco.editor.IContentWidget = {
    getId: () => WIDGET_ID,
    getDomNode: () => button,
    getPosition: () => offered && { position: offered.position, preference: offered.preference },
  };

  const hide = () => {
    if (!offered) return;
    offered = null;
    editor.removeContentWidget(widget);
  };
  const offer = (found: JsonNumberAt) => {
    const model = editor.getModel()!;
    const start = model.getPositionAt(found.start);
    const end = model.getPositionAt(found.end);
    // Beside the line when only punctuation follows the number (pretty JSON: one value a line), so
    // the offer covers no other number; under (or over) the number otherwise.
    const rest = model.getLineContent(end.lineNumber).slice(end.column - 1);
    const inline = /^[\s,\]}]*$/.test(rest);
    const shown = offered !== null;
    offered = inline
      ? { found, position: new monaco.Position(end.lineNumber, model.getLineMaxColumn(end.lineNumber)), preference: [monaco.editor.ContentWidgetPositionPreference.EXACT] }
      : { found, position: start, preference: [monaco.editor.ContentWidgetPositionPreference.BELOW, monaco.editor.ContentWidgetPositionPreference.ABOVE] };
    button.classList.toggle('inline', inline);
    button.textContent = pickLabel(found.path);
    button.title = translate('messages:numbers.plotOffer');
    button.dataset.path = formatPath(found.path);
    if (shown) editor.layoutContentWidget(widget);
    else editor.addContentWidget(widget);
  };
  const pick = (found: JsonNumberAt) => {
    hide();
    picker()?.pick(found.path);
  };
  const onButton = () => {
    if (offered) pick(offered.found);
  };
  button.addEventListener('click', onButton);

  const disposables = [
    editor.onMouseMove((e) => {
      const position = e.target.type === monaco.editor.MouseTargetType.CONTENT_TEXT && e.event.buttons === 0 ? e.target.position : null;
      const offset = position ? editor.getModel()!.getOffsetAt(position) : -1;
      if (offset === hoveredOffset) return;
      hoveredOffset = offset;
      const found = position ? numberAt(position) : undefined;
      if (found) hover.set([{ range: rangeOf(found), options: { inlineClassName: 'payload-number-pickable' } }]);
      else hover.clear();
    }),
    editor.onMouseLeave(() => {
      hoveredOffset = -1;
      hover.clear();
    }),
    editor.onMouseDown((e) => {
      if (e.target.type !== monaco.editor.MouseTargetType.CONTENT_WIDGET || e.target.detail !== WIDGET_ID) hide();
    }),
    editor.onMouseUp((e) => {
      if (!e.event.leftButton || e.target.type !== monaco.editor.MouseTargetType.CONTENT_TEXT) return;
      // A drag that selected text is a selection, not a pick.
      if (!editor.getSelection()?.isEmpty()) return;
      const found = numberAt(e.target.position);
      if (!found) return;
      if (e.event.ctrlKey || e.event.metaKey) pick(found);
      else offer(found);
    }),
    editor.onKeyDown((e) => {
      if (e.keyCode === monaco.KeyCode.Escape) hide();
    }),
    editor.onDidChangeModelContent(() => {
      hide();
      hoveredOffset = -1;
      hover.clear();
    }),
  ];

  return {
    dispose() {
      for (const disposable of disposables) disposable.dispose();
      button.removeEventListener('click', onButton);
      hide();
      hover.clear();
    },
  };
}
