import type { ReactNode } from 'react';

/** A labelled control with its problem (from the contract's schema) right under it. */
export function Field({ label, problem, className, hint, testId, children }: { label: string; problem?: string | undefined; className?: string; hint?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <label className={className}>
      {label}
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {problem && (
        <span className="field-problem" data-testid={testId ? `${testId}-problem` : 'field-problem'}>
          {problem}
        </span>
      )}
    </label>
  );
}

export function Check({ label, checked, onChange, testId, className }: { label: string; checked: boolean; onChange(value: boolean): void; testId: string; className?: string }) {
  return (
    <label className={`checkbox ${className ?? ''}`}>
      <input data-testid={testId} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
