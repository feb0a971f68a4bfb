import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSparkplugB } from '../../shared/codecs/sparkplug-b';
import { builtInDescription, checkSample, localizeBuiltIn, responderSample, scriptTestSample } from '../../renderer/features/automation/samples';
import { LANGUAGES, type Language, i18n } from '../../renderer/ui/i18n';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';

/**
 * The automation editors' starter code in every language (issue 20, "Languages"): only comments
 * and the strings meant for people differ, so each sample, run through the core as the app runs it
 * (the script sandbox, the check runner, the scenario runner against mosquitto), gives the same
 * result in English and in Simplified Chinese.
 */
const mosquitto = useMosquitto();
const harness = useCoreHarness();
const tOf = (language: Language) => i18n.getFixedT(language, 'automation');
const OTHERS = LANGUAGES.filter((language) => language !== 'en');

afterEach(async () => {
  for (const run of (await harness.call('scenarios.list', {})).runs) if (run.state === 'running' || run.state === 'starting') await harness.call('scenarios.stop', { runId: run.runId });
});

/** What a script run gave, without what it logged (the log's words are the language's) or its time. */
async function runScript(source: string, fn: 'decode' | 'respond', text: string) {
  // As the test pane sends it: a request with a Response Topic and Correlation Data (MQTT 5).
  const message = { topic: 'devices/1/cmd', properties: { responseTopic: 'replies/test', correlationData: new TextEncoder().encode('test-1') } };
  const result = await harness.call('automation.runScript', { source, function: fn, input: { kind: 'json', text }, message });
  const { logs, elapsedMs: _elapsed, ...rest } = result;
  return { rest, logs };
}

describe('automation samples in every language', () => {
  it('the responder sample answers a request the same way, logging in the language', async () => {
    const english = await runScript(responderSample(tOf('en')), 'respond', '{"cmd":"ping"}');
    expect(english.rest).toMatchObject({ ok: true, output: { kind: 'replies', replies: [{ topic: 'replies/test', payloadText: '{"ok":true,"received":{"cmd":"ping"}}' }] } });
    expect(english.logs).toEqual(['request on devices/1/cmd {"cmd":"ping"}']);
    for (const language of OTHERS) {
      const t = tOf(language);
      const source = responderSample(t);
      expect(source).toContain(t('samples.responder.calledFor'));
      const translated = await runScript(source, 'respond', '{"cmd":"ping"}');
      expect(translated.rest, language).toEqual(english.rest);
      expect(translated.logs).toEqual([`${t('samples.responder.logRequest')} devices/1/cmd {"cmd":"ping"}`]);
    }
  });

  it('the script test sample decodes the same JSON, logging in the language', async () => {
    const english = await runScript(scriptTestSample(tOf('en')), 'decode', '{"temperature": 21.5}');
    expect(english.rest).toMatchObject({ ok: true, output: { kind: 'json', value: { temperature: 21.5 } } });
    expect(english.logs).toEqual(['decoding 21 bytes on devices/1/cmd']);
    for (const language of OTHERS) {
      const t = tOf(language);
      const translated = await runScript(scriptTestSample(t), 'decode', '{"temperature": 21.5}');
      expect(translated.rest, language).toEqual(english.rest);
      expect(translated.logs).toEqual([`${t('samples.scriptTest.logDecoding')} 21 ${t('samples.scriptTest.logBytesOn')} devices/1/cmd`]);
    }
  });

  it('the check sample passes the same steps, under its name in the language', async () => {
    const run = async (language: Language) => {
      // The sample's broker is 1883; the test's mosquitto listens elsewhere.
      const text = checkSample(tOf(language)).replace('port: 1883', `port: ${mosquitto.port}`);
      const out = await harness.call('checks.runFile', { text, fileName: 'checks.yaml' });
      return { name: out.result.name, passed: out.result.passed, steps: out.result.steps.map((step) => [step.title, step.status]), readable: out.readable };
    };
    const english = await run('en');
    expect(english.passed, english.readable).toBe(true);
    expect(english.name).toBe('Thermostat answers');
    for (const language of OTHERS) {
      const translated = await run(language);
      expect(translated.name).toBe(tOf(language)('samples.check.name'));
      expect({ ...translated, name: '', readable: '' }, translated.readable).toEqual({ ...english, name: '', readable: '' });
    }
  });

  it('the built-in scenarios read as the core serves them in English, and run the same in every language', { timeout: 60_000 }, async () => {
    const { scenarios } = await harness.call('scenarios.builtIns', {});
    expect(scenarios.map((s) => s.name)).toEqual(['sensor-fleet', 'smart-home', 'vehicle-telemetry', 'sparkplug-edge-node']);
    const profile = await harness.call('profiles.save', { name: 'Scenario samples', options: { protocol: 'mqtt', host: '127.0.0.1', port: mosquitto.port, protocolVersion: 5 } });

    /** The topics a scenario published and each one's payload shape (JSON keys, Sparkplug metric names, or text). */
    const run = async (text: string) => {
      const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: `samples-observer-${Date.now()}`, protocolVersion: 5 });
      const shapes = new Map<string, string>();
      let count = 0;
      observer.on('message', (topic, payload, packet) => {
        if (packet.retain) return; // retained by an earlier run
        count++;
        shapes.set(topic, shapeOf(topic, payload));
      });
      await observer.subscribeAsync('#', { qos: 0 });
      try {
        const started = await harness.call('scenarios.start', { scenario: { text }, target: { kind: 'profile', profileId: profile.id }, devices: 1, ratePerSecond: 100 });
        expect(started.state, started.lastError).toBe('running');
        await waitFor(() => count >= 60, '60 messages of the scenario', 15_000);
        await harness.call('scenarios.stop', { runId: started.runId });
      } finally {
        await observer.endAsync();
      }
      return new Map([...shapes].sort(([a], [b]) => a.localeCompare(b)));
    };

    for (const builtIn of scenarios) {
      expect(localizeBuiltIn(builtIn.name, builtIn.text, tOf('en')), `${builtIn.name}: the English catalog has the core's words`).toBe(builtIn.text);
      const english = await run(builtIn.text);
      for (const language of OTHERS) {
        const t = tOf(language);
        const text = localizeBuiltIn(builtIn.name, builtIn.text, t);
        // Every comment and the description are the language's: no line of them is left as it was.
        const people = (source: string) => source.split('\n').filter((line) => /^\s*(#|\/\/) |^description: /.test(line));
        expect(people(text).length).toBe(people(builtIn.text).length);
        for (const line of people(text)) expect(people(builtIn.text), `${builtIn.name}: ${line}`).not.toContain(line);
        const { description, ...summary } = (await harness.call('scenarios.validate', { text })).summary!;
        const { description: _english, text: _text, ...englishSummary } = builtIn;
        expect(summary).toEqual(englishSummary);
        expect(description).toBe(builtInDescription(builtIn.name, t));
        expect(await run(text), `${builtIn.name} in ${language}`).toEqual(english);
      }
    }
  });
});

function shapeOf(topic: string, payload: Buffer): string {
  if (topic.startsWith('spBv1.0/')) return `sparkplug: ${(decodeSparkplugB(payload).metrics as { name?: string }[]).map((m) => m.name).sort().join(',')}`;
  try {
    const value: unknown = JSON.parse(payload.toString());
    return value !== null && typeof value === 'object' ? `json: ${Object.keys(value).sort().join(',')}` : `json ${typeof value}`;
  } catch {
    return 'text';
  }
}
