import { useEffect, useRef, useState } from 'react';
import { IMPORT_FORMAT_NAMES, type ImportFormatChoice } from '../../../shared/contract';
import { useProfilesStore } from '../../stores/profiles-store';
import { downloadText } from '../../ui/download-text';

const FORMATS: { value: ImportFormatChoice; label: string }[] = [
  { value: 'auto', label: 'Auto-detect' },
  { value: 'workbench', label: IMPORT_FORMAT_NAMES.workbench },
  { value: 'mqttx', label: IMPORT_FORMAT_NAMES.mqttx },
  { value: 'mqtt-explorer', label: IMPORT_FORMAT_NAMES['mqtt-explorer'] },
];

/** The mounted toolbar's way to open its import picker for a format (the first run uses it). */
let openImport: ((format: ImportFormatChoice) => void) | null = null;

/**
 * Opens the profiles import's file picker, set to `format`: the same import as the toolbar's
 * Import button. Call it from a click (a browser opens a file picker only on a user's gesture).
 */
export function openProfilesImport(format: ImportFormatChoice): void {
  openImport?.(format);
}

/**
 * Import (file -> text -> profiles.previewImport -> the preview dialog -> profiles.import) and export
 * (profiles.export -> a .json download). The host checks the file's content against the format chosen.
 */
export function ProfilesToolbar() {
  const [format, setFormatState] = useState<ImportFormatChoice>('auto');
  // The picker's change handler reads the format chosen just before it was opened.
  const formatRef = useRef<ImportFormatChoice>(format);
  const setFormat = (next: ImportFormatChoice) => {
    formatRef.current = next;
    setFormatState(next);
  };
  const picker = useRef<HTMLInputElement>(null);
  useEffect(() => {
    openImport = (next) => {
      setFormat(next);
      picker.current?.click();
    };
    return () => {
      openImport = null;
    };
  }, []);
  const previewFile = useProfilesStore((s) => s.previewFile);
  const exportJson = useProfilesStore((s) => s.exportJson);
  const count = useProfilesStore((s) => s.profiles.length);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    await previewFile(formatRef.current, await file.text());
    if (picker.current) picker.current.value = '';
  };

  const onExport = async () => {
    const json = await exportJson();
    if (json !== null) downloadText('mqtt-workbench-profiles.json', json);
  };

  return (
    <div className="toolbar profiles-toolbar">
      <select data-testid="profiles-import-format" value={format} title="Format of the file to import" aria-label="Import format" onChange={(e) => setFormat(e.target.value as ImportFormatChoice)}>
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <button type="button" data-testid="profiles-import" title="Import profiles from a file (what it holds is shown before anything is saved)" onClick={() => picker.current?.click()}>
        Import
      </button>
      <input ref={picker} hidden type="file" accept=".json,application/json" data-testid="profiles-import-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <button type="button" data-testid="profiles-export" title="Export every profile (without secrets) as JSON" disabled={count === 0} onClick={() => void onExport()}>
        Export
      </button>
    </div>
  );
}
