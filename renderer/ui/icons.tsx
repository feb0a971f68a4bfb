/** Small stroke icons drawn inline: no font has to carry the glyphs, and the CSP allows inline SVG. */
function Icon({ d }: { d: string }) {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

export const PlayIcon = () => <Icon d="M4 2.5v11l9-5.5z" />;
export const EditIcon = () => <Icon d="M10.5 2.5l3 3L6 13H3v-3z" />;
export const CopyIcon = () => <Icon d="M5.5 5.5h8v8h-8zM2.5 10.5v-8h8" />;
export const TrashIcon = () => <Icon d="M2.5 4h11M6 4V2.5h4V4M4 4l.8 9.5h6.4L12 4" />;
/** A window with an arrow out of it: "open in a new window". */
export const NewWindowIcon = () => <Icon d="M9.5 2.5h4v4M13.5 2.5L8 8M11.5 9.5v4h-9v-9h4" />;
