import { formatNumber, useTranslation } from './i18n';
import './file-input.css';
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/** The bytes go to the host as they are (PEM, DER, PKCS#12); nothing is parsed in the page. */
export async function readFiles(list: FileList | null): Promise<PickedFile[]> {
  return Promise.all(Array.from(list ?? [], async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
}

/** A file picker showing the chosen file(s) and a way to forget them. */
export function FileInput({ files, onChange, accept, multiple = false, testId }: { files: PickedFile[]; onChange(files: PickedFile[]): void; accept: string; multiple?: boolean; testId: string }) {
  const { t } = useTranslation('common');
  return (
    <span className="file-input">
      <input
        key={files.map((f) => f.name).join('|') || 'none'}
        data-testid={testId}
        type="file"
        accept={accept}
        multiple={multiple}
        onChange={(e) => void readFiles(e.target.files).then((picked) => onChange(multiple ? [...files, ...picked] : picked))}
      />
      {files.map((file, index) => (
        <span key={index} className="file-chip" data-testid={`${testId}-chosen`}>
          {file.name} <span className="muted">{t('fileInput.size', { bytes: formatNumber(file.bytes.byteLength) })}</span>
          <button type="button" className="icon-button" title={t('fileInput.forget', { name: file.name })} aria-label={t('fileInput.forget', { name: file.name })} onClick={() => onChange(files.filter((_, i) => i !== index))}>
            ×
          </button>
        </span>
      ))}
    </span>
  );
}
