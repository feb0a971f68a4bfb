import { describe, expect, it } from 'vitest';
import { expandVariables, hasVariables, parseUserVariables, randomUuid } from '../../shared/templates/message-variables';

const NOW = Date.UTC(2026, 11, 7, 17, 30, 5, 123);
/** A fixed clock and a fixed random value, so every expansion is exact. */
const fixed = (random: number) => ({ now: () => NOW, random: () => random, uuid: () => '00000000-0000-4000-8000-000000000000' });
const expand = (text: string, random = 0.5, extra = {}) => expandVariables(text, { ...fixed(random), ...extra });
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('expandVariables', () => {
  it('expands the clock variables from one reading of the injected clock', () => {
    let reads = 0;
    const result = expandVariables('{{now}} {{now.iso}} {{now.unix}}', { now: () => (reads++, NOW) });
    expect(result).toEqual({ ok: true, text: `${NOW} 2026-12-07T17:30:05.123Z ${Math.floor(NOW / 1000)}` });
    expect(reads).toBe(1);
  });

  it('expands seq from the counter the caller passes', () => {
    expect(expand('n={{seq}}', 0.5, { seq: 41 })).toEqual({ ok: true, text: 'n=41' });
    expect(expand('{{seq}}')).toMatchObject({ ok: false, problem: { message: 'seq has no value here', index: 2 } });
  });

  it('draws random integers inclusive of both ends', () => {
    expect(expand('{{random 1 100}}', 0)).toEqual({ ok: true, text: '1' });
    expect(expand('{{random 1 100}}', 0.999999)).toEqual({ ok: true, text: '100' });
    expect(expand('{{random -5 -5}}', 0.3)).toEqual({ ok: true, text: '-5' });
  });

  it('draws random floats with the decimals asked for (2 by default)', () => {
    expect(expand('{{randomFloat 20 25 2}}', 0.5)).toEqual({ ok: true, text: '22.50' });
    expect(expand('{{randomFloat 20 25 1}}', 0.1)).toEqual({ ok: true, text: '20.5' });
    expect(expand('{{randomFloat 0 1}}', 0.25)).toEqual({ ok: true, text: '0.25' });
    expect(expand('{{randomFloat 0 10 0}}', 0.62)).toEqual({ ok: true, text: '6' });
  });

  it('picks one of the quoted choices, quotes and escapes included', () => {
    expect(expand('{{pick "a" "b" "c"}}', 0)).toEqual({ ok: true, text: 'a' });
    expect(expand('{{pick "a" "b" "c"}}', 0.5)).toEqual({ ok: true, text: 'b' });
    expect(expand('{{pick "a" "b" "c"}}', 0.99)).toEqual({ ok: true, text: 'c' });
    expect(expand('{{pick "x y" "say \\"hi\\""}}', 0.9)).toEqual({ ok: true, text: 'say "hi"' });
    expect(expand('{{pick "on" 3}}', 0.9)).toEqual({ ok: true, text: '3' });
  });

  it('makes v4 UUIDs from the runtime crypto, and the injected one when given', () => {
    const result = expandVariables('{{uuid}}/{{uuid}}');
    expect(result.ok).toBe(true);
    const [a, b] = result.ok ? result.text.split('/') : [];
    expect(a).toMatch(V4);
    expect(b).toMatch(V4);
    expect(a).not.toBe(b);
    expect(randomUuid()).toMatch(V4);
    expect(expand('{{uuid}}')).toEqual({ ok: true, text: '00000000-0000-4000-8000-000000000000' });
  });

  it('expands the user variables, spaces inside the braces allowed', () => {
    expect(expand('sensors/{{site}}/{{ room.name }}/t', 0.5, { variables: { site: 'berlin', 'room.name': 'lab-2' } })).toEqual({ ok: true, text: 'sensors/berlin/lab-2/t' });
  });

  it('keeps text without tags and an escaped \\{{ as a literal {{', () => {
    expect(expand('plain }} text')).toEqual({ ok: true, text: 'plain }} text' });
    expect(expand('\\{{seq}} is {{seq}}', 0.5, { seq: 3 })).toEqual({ ok: true, text: '{{seq}} is 3' });
    expect(hasVariables('a \\{{b}}')).toBe(false);
    expect(hasVariables('{{b}}')).toBe(true);
    expect(hasVariables('x{{b}}')).toBe(true);
    expect(hasVariables('none')).toBe(false);
  });

  it('reports an unknown variable with its index, line and column, never an empty string', () => {
    expect(expand('{\n  "a": {{ nope }}\n}')).toEqual({ ok: false, problem: { message: 'Unknown variable: nope', index: 12, line: 2, column: 11 } });
  });

  it('reports malformed tags with their position', () => {
    expect(expand('x\ny {{seq')).toEqual({ ok: false, problem: { message: 'Unclosed {{: end the variable with }} (or write \\{{ for a literal {{)', index: 4, line: 2, column: 3 } });
    expect(expand('{{}}')).toMatchObject({ ok: false, problem: { message: 'Empty variable: write a name between {{ and }}', index: 2 } });
    expect(expand('{{random 1}}')).toMatchObject({ ok: false, problem: { message: 'random takes two whole numbers: {{random 1 100}}', index: 2, column: 3 } });
    expect(expand('{{random 1 x}}')).toMatchObject({ ok: false, problem: { message: 'Not a number or a "quoted string": x', index: 11 } });
    expect(expand('{{random 1.5 3}}').ok).toBe(false);
    expect(expand('{{random 9 3}}')).toMatchObject({ ok: false, problem: { message: 'random: 9 is above 3' } });
    expect(expand('{{randomFloat 1 2 -1}}').ok).toBe(false);
    expect(expand('{{pick}}')).toMatchObject({ ok: false, problem: { message: 'pick takes one or more choices: {{pick "a" "b"}}' } });
    expect(expand('{{pick "a}}')).toMatchObject({ ok: false, problem: { message: 'Unterminated string in the variable', index: 7 } });
    expect(expand('{{now 1}}')).toMatchObject({ ok: false, problem: { message: 'now takes no arguments', index: 6 } });
    expect(expand('{{"a"}}')).toMatchObject({ ok: false, problem: { message: 'A variable starts with its name, not a string' } });
    expect(expand('{{9lives}}')).toMatchObject({ ok: false, problem: { message: 'Not a variable name: "9lives"' } });
  });
});

describe('parseUserVariables', () => {
  it('reads name=value lines, skipping blanks and comments', () => {
    expect(parseUserVariables('site=berlin\n\n# note\n room = lab 2 \nempty=')).toEqual({ ok: true, variables: { site: 'berlin', room: 'lab 2', empty: '' } });
  });

  it('names the line that is wrong', () => {
    expect(parseUserVariables('a=1\nnoequals')).toEqual({ ok: false, problem: 'Line 2: write name=value' });
    expect(parseUserVariables('bad name=1')).toMatchObject({ ok: false, problem: expect.stringContaining('Line 1') });
    expect(parseUserVariables('uuid=1')).toEqual({ ok: false, problem: 'Line 1: uuid is a built-in variable' });
  });
});
