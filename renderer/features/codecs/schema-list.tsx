import { useEffect, useRef, useState } from 'react';
import { type CodecSchema, MAX_SCHEMA_FILE_CHARS, SCHEMA_KINDS, type SchemaKind } from '../../../shared/contract/codec-rules';
import { type CheckedSchema, checkSchema, describeProblem } from '../../stores/codecs-store';
import { newId, schemaKindName, schemaKindOfFile } from './rule-model';
import { translate, useTranslation } from '../../ui/i18n';

/** A schema's check, with the files it was made of (a changed schema is checked again). */
export type SchemaChecks = Record<string, { signature: string; result: CheckedSchema | null }>;

const signatureOf = (schema: CodecSchema) => JSON.stringify([schema.kind, schema.files]);

/**
 * Checks each schema with the host when it is added or changes (codecs.checkSchema): the message
 * types a Protobuf rule may pick, and where a schema is wrong.
 */
export function useSchemaChecks(schemas: readonly CodecSchema[]): SchemaChecks {
  const [checks, setChecks] = useState<SchemaChecks>({});
  const asked = useRef(new Map<string, string>());
  useEffect(() => {
    for (const schema of schemas) {
      const signature = signatureOf(schema);
      if (asked.current.get(schema.id) === signature) continue;
      asked.current.set(schema.id, signature);
      setChecks((c) => ({ ...c, [schema.id]: { signature, result: null } }));
      void checkSchema(schema)
        .catch((error: unknown): CheckedSchema => ({ messageTypes: [], problems: [{ message: translate('codecs:schemas.notChecked', { error: (error as Error).message }) }] }))
        .then((result) => {
          if (asked.current.get(schema.id) !== signature) return;
          setChecks((c) => ({ ...c, [schema.id]: { signature, result } }));
        });
    }
  }, [schemas]);
  return checks;
}

/** Reads picked files as text in the page (never a path: the profile keeps the text). */
async function readFiles(list: FileList): Promise<{ name: string; text: string }[] | string> {
  const files: { name: string; text: string }[] = [];
  for (const file of Array.from(list)) {
    const text = await file.text();
    if (text.length > MAX_SCHEMA_FILE_CHARS) return translate('codecs:schemas.tooLarge', { name: file.name });
    files.push({ name: file.name, text });
  }
  return files;
}

interface SchemaListProps {
  schemas: CodecSchema[];
  checks: SchemaChecks;
  /** Schema ids rules use (a used schema asks before it goes). */
  usedIds: ReadonlySet<string>;
  onChange(schemas: CodecSchema[]): void;
}

/**
 * The schemas rules decode with: add files (several .proto files at once, imports resolved between
 * them by name), or paste one; each shows its problems with file:line:column, or what it offers.
 */
export function SchemaList({ schemas, checks, usedIds, onChange }: SchemaListProps) {
  const { t } = useTranslation('codecs');
  const [kind, setKind] = useState<SchemaKind | 'auto'>('auto');
  const [pasting, setPasting] = useState(false);
  const [pasteName, setPasteName] = useState('');
  const [pasteText, setPasteText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const add = (files: { name: string; text: string }[]) => {
    if (files.length === 0) return;
    const chosen = kind === 'auto' ? schemaKindOfFile(files[0]!.name, files[0]!.text) : kind;
    // Protobuf: the files picked together are one schema (imports between them); Avro and JSON Schema: one file each.
    const groups = chosen === 'protobuf' ? [files] : files.map((f) => [f]);
    const next = [...schemas];
    for (const group of groups) {
      const name = group.length === 1 ? group[0]!.name : `${group[0]!.name} (+${group.length - 1})`;
      next.push({ id: newId(group[0]!.name.replace(/\.[^.]*$/, ''), next.map((s) => s.id)), kind: chosen, name, files: group });
    }
    setProblem(null);
    onChange(next);
  };

  const onFiles = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const read = await readFiles(list);
    if (fileInput.current) fileInput.current.value = '';
    if (typeof read === 'string') return setProblem(read);
    add(read);
  };

  const onPaste = () => {
    const name = pasteName.trim() || (kind === 'avro' ? 'schema.avsc' : kind === 'json-schema' ? 'schema.json' : 'schema.proto');
    if (pasteText.trim() === '') return setProblem(t('schemas.pasteFirst'));
    add([{ name, text: pasteText }]);
    setPasting(false);
    setPasteName('');
    setPasteText('');
  };

  const remove = (id: string) => {
    if (usedIds.has(id) && !window.confirm(t('schemas.confirmRemove'))) return;
    onChange(schemas.filter((s) => s.id !== id));
  };

  return (
    <section className="codec-schemas" data-testid="codec-schemas">
      <header className="codec-section-header">
        <h3>{t('schemas.title')}</h3>
        <select aria-label={t('schemas.kindLabel')} data-testid="codec-schema-kind" value={kind} onChange={(e) => setKind(e.target.value as SchemaKind | 'auto')}>
          <option value="auto">{t('schemas.kindAuto')}</option>
          {SCHEMA_KINDS.map((k) => (
            <option key={k} value={k}>
              {schemaKindName(k)}
            </option>
          ))}
        </select>
        <label className="button small codec-file-button" title={t('schemas.addFilesTitle')}>
          {t('schemas.addFiles')}
          <input ref={fileInput} type="file" multiple accept=".proto,.avsc,.json,.js,.mjs,.cjs,.txt" data-testid="codec-schema-files" aria-label={t('schemas.filesLabel')} onChange={(e) => void onFiles(e.target.files)} />
        </label>
        <button type="button" className="small" data-testid="codec-schema-paste" aria-pressed={pasting} onClick={() => setPasting(!pasting)}>
          {t('schemas.paste')}
        </button>
      </header>
      {pasting && (
        <div className="codec-paste" data-testid="codec-paste">
          <input aria-label={t('schemas.pasteNameLabel')} placeholder={t('schemas.pasteNamePlaceholder')} value={pasteName} data-testid="codec-paste-name" onChange={(e) => setPasteName(e.target.value)} />
          <textarea aria-label={t('schemas.pasteTextLabel')} rows={8} spellCheck={false} value={pasteText} data-testid="codec-paste-text" onChange={(e) => setPasteText(e.target.value)} />
          <button type="button" className="small" data-testid="codec-paste-add" onClick={onPaste}>
            {t('schemas.add')}
          </button>
        </div>
      )}
      {problem && (
        <p className="field-problem" role="alert" data-testid="codec-schema-add-problem">
          {problem}
        </p>
      )}
      {schemas.length === 0 ? (
        <p className="muted">{t('schemas.none')}</p>
      ) : (
        <ul className="codec-schema-list">
          {schemas.map((schema) => {
            const check = checks[schema.id]?.result;
            return (
              <li key={schema.id} data-testid="codec-schema" data-schema-id={schema.id} data-kind={schema.kind}>
                <div className="codec-schema-head">
                  <strong>{schema.name}</strong>
                  <span className="muted">
                    {schemaKindName(schema.kind)} · {t('schemas.files', { count: schema.files.length })}
                  </span>
                  <span className="codec-schema-state" data-testid="codec-schema-state" data-state={!check ? 'checking' : check.problems.length ? 'problems' : 'ok'}>
                    {!check
                      ? t('schemas.checking')
                      : check.problems.length
                        ? t('schemas.problems', { count: check.problems.length })
                        : schema.kind === 'protobuf'
                          ? t('schemas.messageTypes', { count: check.messageTypes.length })
                          : t('schemas.ok')}
                  </span>
                  <button type="button" className="icon-button" aria-label={t('schemas.remove', { name: schema.name })} title={t('schemas.removeTitle')} data-testid="codec-schema-remove" onClick={() => remove(schema.id)}>
                    ×
                  </button>
                </div>
                <span className="muted codec-schema-files">{schema.files.map((f) => f.name).join(', ')}</span>
                {schema.kind === 'avro' && <RegistryIds schema={schema} onChange={(next) => onChange(schemas.map((s) => (s.id === schema.id ? next : s)))} />}
                {check && check.problems.length > 0 && (
                  <ul className="codec-problems" data-testid="codec-schema-problems">
                    {check.problems.map((p, i) => (
                      <li key={i} className="field-problem" data-testid="codec-schema-problem">
                        {describeProblem(p)}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The schema registry ids that stand for an Avro schema in the Confluent wire format (magic byte 0, a 4-byte id). */
function RegistryIds({ schema, onChange }: { schema: CodecSchema; onChange(schema: CodecSchema): void }) {
  const { t } = useTranslation('codecs');
  const [text, setText] = useState((schema.registryIds ?? []).join(', '));
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ids = parts.map(Number);
  const problem = ids.some((id) => !Number.isInteger(id) || id < 0 || id > 0xffffffff) ? t('schemas.registryProblem') : null;
  return (
    <label className="codec-registry-ids">
      {t('schemas.registryIds')}
      <input
        value={text}
        placeholder={t('schemas.registryPlaceholder')}
        data-testid="codec-schema-registry-ids"
        aria-invalid={problem !== null}
        onChange={(e) => {
          setText(e.target.value);
          const next = e.target.value.split(/[\s,]+/).filter(Boolean).map(Number);
          if (next.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
            const { registryIds: _omit, ...rest } = schema;
            onChange(next.length ? { ...rest, registryIds: next } : rest);
          }
        }}
      />
      {problem && <span className="field-problem">{problem}</span>}
    </label>
  );
}
