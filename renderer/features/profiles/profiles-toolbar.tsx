import { useEffect, useRef, useState } from 'react';
import { IMPORT_FORMAT_NAMES, type ImportFormatChoice } from '../../../shared/contract';
import { useProfilesStore } from '../../stores/profiles-store';
import { downloadText } from '../../ui/download-text';
import { useTranslation } from '../../ui/i18n';

const FORMATS = ['auto', 'workbench', 'mqttx', 'mqtt-explorer'] as const satisfies readonly ImportFormatChoice[];

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
  const { t } = useTranslation('profiles');
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
      <select data-testid="profiles-import-format" value={format} title={t('toolbar.formatTitle')} aria-label={t('toolbar.formatLabel')} onChange={(e) => setFormat(e.target.value as ImportFormatChoice)}>
        {FORMATS.map((f) => (
          <option key={f} value={f}>
            {f === 'auto' ? t('toolbar.autoDetect') : IMPORT_FORMAT_NAMES[f]}
          </option>
        ))}
      </select>
      <button type="button" data-testid="profiles-import" title={t('toolbar.importTitle')} onClick={() => picker.current?.click()}>
        {t('toolbar.import')}
      </button>
      <input ref={picker} hidden type="file" accept=".json,application/json" data-testid="profiles-import-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <button type="button" data-testid="profiles-export" title={t('toolbar.exportTitle')} disabled={count === 0} onClick={() => void onExport()}>
        {t('toolbar.export')}
      </button>
    </div>
  );
}
