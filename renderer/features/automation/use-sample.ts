import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../ui/i18n';

type Make = (t: ReturnType<typeof useTranslation<'automation'>>['t']) => string;

/**
 * An editor's text that starts as a sample in the UI's language. The untouched sample follows a
 * change of language; anything typed or opened stays as it is.
 */
export function useSample(make: Make): [string, Dispatch<SetStateAction<string>>] {
  const { t } = useTranslation('automation');
  const [text, setText] = useState(() => make(t));
  const sample = useRef(text);
  useEffect(() => {
    const previous = sample.current;
    const next = make(t);
    if (next === previous) return;
    // The updater runs later: it compares with the sample it replaces, not with the ref.
    setText((current) => (current === previous ? next : current));
    sample.current = next;
  }, [make, t]);
  return [text, setText];
}
