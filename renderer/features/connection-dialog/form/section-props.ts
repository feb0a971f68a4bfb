import type { Problems } from './form-check';
import type { ConnectionForm } from './form-model';

export type Update = <K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => void;

export interface SectionProps {
  form: ConnectionForm;
  update: Update;
  problems: Problems;
}
