import { useEffect, useRef, useState } from 'react';
import type { ImportFormat } from '../../../shared/contract';
import { useProfilesStore } from '../../stores/profiles-store';
import { downloadText } from './download';

const FORMATS: { value: ImportFormat; label: string }[] = [
  { value: 'workbench', label: 'Workbench JSON' },
  { value: 'mqttx', label: 'MQTTX export' },
  { value: 'mqtt-explorer', label: 'MQTT Explorer settings' },
];

/** The mounted toolbar's way to open its import picker for a format (the first run uses it). */
let openImport: ((format: ImportFormat) => void) | null = null;

/**
 * Opens the profiles import's file picker, set to `format`: the same import as the toolbar's
 * Import button. Call it from a click (a browser opens a file picker only on a user's gesture).
 */
export function openProfilesImport(format: ImportFormat): void {
  openImport?.(format);
}

/** Import (file -> text -> profiles.import) and export (profiles.export -> a .json download). */
export function ProfilesToolbar() {
  const [format, setFormatState] = useState<ImportFormat>('mqttx');
  // The picker's change handler reads the format chosen just before it was opened.
  const formatRef = useRef<ImportFormat>(format);
  const setFormat = (next: ImportFormat) => {
    formatRef.current = next;
    setFormatState(next);
  };
  const picker = useRef<HTMLInputElement>(null);
  useEffect(() => {
    openImport = (next) => {
      formatRef.current = next;
      setFormatState(next);
      picker.current?.click();
    };
    return () => {
      openImport = null;
    };
  }, []);
  const importFile = useProfilesStore((s) => s.importFile);
  const exportJson = useProfilesStore((s) => s.exportJson);
  const count = useProfilesStore((s) => s.profiles.length);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    await importFile(formatRef.current, await file.text());
    if (picker.current) picker.current.value = '';
  };

  const onExport = async () => {
    const json = await exportJson();
    if (json !== null) downloadText('mqtt-workbench-profiles.json', json);
  };

  return (
    <div className="toolbar profiles-toolbar">
      <select data-testid="profiles-import-format" value={format} title="Format of the file to import" aria-label="Import format" onChange={(e) => setFormat(e.target.value as ImportFormat)}>
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <button type="button" data-testid="profiles-import" title="Import profiles from a file" onClick={() => picker.current?.click()}>
        Import
      </button>
      <input ref={picker} hidden type="file" accept=".json,application/json" data-testid="profiles-import-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <button type="button" data-testid="profiles-export" title="Export every profile (without secrets) as JSON" disabled={count === 0} onClick={() => void onExport()}>
        Export
      </button>
    </div>
  );
}
