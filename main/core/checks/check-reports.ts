/** Results of scripted checks as a readable list, JUnit XML (one testcase per step) and TAP 13. */
import type { CheckResult } from './scripted-checks';

const MARK = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;

export function readableReport(results: CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.passed ? 'PASS' : 'FAIL'} ${result.name} (${result.file}, ${result.durationMs} ms)`);
    for (const step of result.steps) {
      lines.push(`  ${MARK[step.status]} ${String(step.index).padStart(2)}. ${step.title}${step.status === 'skipped' ? '' : ` (${step.durationMs} ms)`}`);
      if (step.message) lines.push(`          ${step.message}`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  lines.push(failed === 0 ? `All ${results.length} check(s) passed` : `${failed} of ${results.length} check(s) failed`);
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function junitReport(results: CheckResult[]): string {
  const count = (status: string) => results.reduce((n, r) => n + r.steps.filter((s) => s.status === status).length, 0);
  const total = results.reduce((n, r) => n + r.steps.length, 0);
  const time = results.reduce((n, r) => n + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="mqtt-workbench test" tests="${total}" failures="${count('failed')}" skipped="${count('skipped')}" time="${seconds(time)}">`];
  for (const result of results) {
    const failures = result.steps.filter((s) => s.status === 'failed').length;
    const skipped = result.steps.filter((s) => s.status === 'skipped').length;
    out.push(`  <testsuite name="${xml(result.name)}" file="${xml(result.file)}" tests="${result.steps.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(result.durationMs)}">`);
    for (const step of result.steps) {
      const open = `    <testcase classname="${xml(result.name)}" name="${xml(`${step.index}. ${step.title}`)}" time="${seconds(step.durationMs)}"`;
      if (step.status === 'passed') out.push(`${open}/>`);
      else if (step.status === 'skipped') out.push(`${open}><skipped message="an earlier step failed"/></testcase>`);
      else out.push(`${open}><failure message="${xml(step.message ?? 'failed')}">${xml(step.message ?? '')}</failure></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export function tapReport(results: CheckResult[]): string {
  const steps = results.flatMap((result) => result.steps.map((step) => ({ result, step })));
  const out = ['TAP version 13', `1..${steps.length}`];
  steps.forEach(({ result, step }, i) => {
    const description = `${result.name} > ${step.index}. ${step.title}`.replace(/#/g, '\\#');
    if (step.status === 'skipped') out.push(`ok ${i + 1} - ${description} # SKIP an earlier step failed`);
    else if (step.status === 'passed') out.push(`ok ${i + 1} - ${description}`);
    else out.push(`not ok ${i + 1} - ${description}`, '  ---', `  message: ${JSON.stringify(step.message ?? 'failed')}`, `  file: ${JSON.stringify(result.file)}`, '  ...');
  });
  return `${out.join('\n')}\n`;
}
