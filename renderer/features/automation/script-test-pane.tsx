import { useState } from 'react';
import type { ScriptRunOutput } from '../../../shared/contract';
import { useAutomationStore } from '../../stores/automation-store';
import { Check, Field } from '../../ui/field';
import { translate, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

export type ScriptFunction = 'decode' | 'encode' | 'respond';
type SampleKind = 'text' | 'json' | 'hex';


export interface ScriptTestPaneProps {
  /** The script as it is in its editor now (saved or not). */
  source: string;
  functions: readonly ScriptFunction[];
  /** Where the pane's controls get their test ids from (several panes can be on one page). */
  testId: string;
}

function describeLocation(failure: { line?: number | undefined; column?: number | undefined }): string {
  if (failure.line === undefined) return '';
  return failure.column !== undefined
    ? translate('automation:test.lineColumn', { line: String(failure.line), column: String(failure.column) })
    : translate('automation:test.line', { line: String(failure.line) });
}

/**
 * Runs a script once on a sample input or the message open in the workbench, in the same sandbox
 * and limits as live use (automation.runScript), and shows its output, what it logged, and an
 * error with its line.
 */
export function ScriptTestPane({ source, functions, testId }: ScriptTestPaneProps) {
  const { t } = useTranslation('automation');
  const runScript = useAutomationStore((s) => s.runScript);
  const openMessage = useAutomationStore((s) => s.openMessage);
  const [fn, setFn] = useState<ScriptFunction>(functions[0] ?? 'decode');
  const [kind, setKind] = useState<SampleKind>('json');
  const [sample, setSample] = useState('{"cmd": "ping"}');
  const [topic, setTopic] = useState('devices/1/cmd');
  const [responseTopic, setResponseTopic] = useState('replies/test');
  const [useOpen, setUseOpen] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ScriptRunOutput | { error: string } | null>(null);
  const chosen = functions.includes(fn) ? fn : (functions[0] ?? 'decode');

  async function run(): Promise<void> {
    setRunning(true);
    setResult(null);
    const open = useOpen ? openMessage() : undefined;
    if (useOpen && !open) {
      setResult({ error: t('test.noOpen') });
      setRunning(false);
      return;
    }
    const message = open
      ? { topic: open.topic, qos: open.qos, retain: open.retain, ...(open.properties ? { properties: open.properties } : {}) }
      : { topic, ...(chosen === 'respond' && responseTopic ? { properties: { responseTopic, correlationData: new TextEncoder().encode('test-1') } } : {}) };
    const answer = await runScript({ source, function: chosen, input: { kind, text: sample }, message, ...(open ? { payload: open.payload } : {}) });
    setResult('error' in answer ? { error: describeError(answer.error) } : answer);
    setRunning(false);
  }

  return (
    <div className="script-test-pane" data-testid={testId}>
      <div className="script-test-controls">
        <Field label={t('test.function')}>
          <select data-testid={`${testId}-function`} value={chosen} onChange={(e) => setFn(e.target.value as ScriptFunction)}>
            {functions.map((name) => (
              <option key={name} value={name}>
                {name}()
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('test.sampleAs')}>
          <select data-testid={`${testId}-kind`} value={kind} onChange={(e) => setKind(e.target.value as SampleKind)} disabled={useOpen}>
            <option value="text">{t('test.text')}</option>
            <option value="json">JSON</option>
            <option value="hex">{t('test.hex')}</option>
          </select>
        </Field>
        <Field label={t('test.topic')}>
          <input data-testid={`${testId}-topic`} value={topic} onChange={(e) => setTopic(e.target.value)} disabled={useOpen} spellCheck={false} />
        </Field>
        {chosen === 'respond' && (
          <Field label={t('test.responseTopic')}>
            <input data-testid={`${testId}-response-topic`} value={responseTopic} onChange={(e) => setResponseTopic(e.target.value)} disabled={useOpen} spellCheck={false} />
          </Field>
        )}
        <Check label={t('test.useOpen')} checked={useOpen} onChange={setUseOpen} testId={`${testId}-use-open`} />
        <button type="button" data-testid={`${testId}-run`} onClick={() => void run()} disabled={running}>
          {running ? t('test.running') : t('test.run')}
        </button>
      </div>
      <p className="field-hint">{t(`test.hint.${chosen}`)}</p>
      {!useOpen && (
        <textarea className="script-test-sample" data-testid={`${testId}-sample`} value={sample} onChange={(e) => setSample(e.target.value)} spellCheck={false} rows={3} aria-label={t('test.sample')} />
      )}
      {result && <ScriptResult result={result} testId={testId} />}
    </div>
  );
}

function ScriptResult({ result, testId }: { result: ScriptRunOutput | { error: string }; testId: string }) {
  const { t } = useTranslation('automation');
  if ('error' in result) {
    return (
      <p className="field-problem" data-testid={`${testId}-error`}>
        {result.error}
      </p>
    );
  }
  return (
    <div className="script-test-result" data-testid={`${testId}-result`} data-ok={result.ok}>
      {result.ok ? (
        <pre className="script-output" data-testid={`${testId}-output`}>
          {outputText(result.output)}
        </pre>
      ) : (
        <p className="field-problem script-failure" data-testid={`${testId}-error`} data-line={result.failure.line}>
          {result.failure.line !== undefined && <strong>{describeLocation(result.failure)}: </strong>}
          {result.failure.message}
        </p>
      )}
      <div className="script-logs">
        <span className="field-hint">
          {t('test.logs', { count: result.logs.length, ms: String(result.elapsedMs) })}
        </span>
        {result.logs.length > 0 && <pre data-testid={`${testId}-logs`}>{result.logs.join('\n')}</pre>}
      </div>
    </div>
  );
}

function outputText(output: Extract<ScriptRunOutput, { ok: true }>['output']): string {
  switch (output.kind) {
    case 'json':
      return JSON.stringify(output.value, null, 2);
    case 'text':
      return output.text;
    case 'bytes':
      return output.text !== undefined ? `${output.hex}\n\n${output.text}` : output.hex;
    case 'replies':
      if (output.replies.length === 0) return translate('automation:test.noReplies');
      return output.replies
        .map((reply) => `→ ${reply.topic} (QoS ${reply.qos}${reply.retain ? translate('automation:test.retained') : ''})\n${reply.payloadText ?? reply.payloadHex ?? ''}${reply.properties ? `\n${JSON.stringify(reply.properties)}` : ''}`)
        .join('\n\n');
  }
}
