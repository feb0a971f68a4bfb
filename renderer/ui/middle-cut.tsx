import './middle-cut.css';
/**
 * A topic cut in the middle when it does not fit: its last level stays whole at the end, since that
 * is what tells `.../relay/0/power` from `.../relay/0/temperature`; the start gives way to an
 * ellipsis. The text content is the whole topic (copy and search see it whole) and so is the title.
 */
export function MiddleCut({ text, className, testId }: { text: string; className?: string; testId?: string }) {
  const cut = text.lastIndexOf('/');
  const head = cut > 0 ? text.slice(0, cut) : text;
  const tail = cut > 0 ? text.slice(cut) : '';
  return (
    <span className={`middle-cut ${className ?? ''}`} data-testid={testId} title={text}>
      <span className="middle-cut-head">{head}</span>
      {tail && <span className="middle-cut-tail">{tail}</span>}
    </span>
  );
}
