import { type ReactNode, useState } from 'react';
import { useProfilesStore } from '../../stores/profiles-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { type FolderNode, groupProfiles, matchesFilter } from './group-profiles';
import { ProfileRow } from './profile-row';

/** Rendered at most; a longer list asks for the filter instead of growing the DOM without bound. */
const MAX_ROWS = 300;

function Folder({ node, depth, collapsed, toggle, budget }: { node: FolderNode; depth: number; collapsed: Set<string>; toggle(path: string): void; budget: { left: number } }) {
  const rows: ReactNode[] = [];
  for (const folder of node.folders) {
    if (budget.left <= 0) break;
    budget.left--;
    const closed = collapsed.has(folder.path);
    rows.push(
      <li key={`f:${folder.path}`} className="profile-folder" data-testid="profile-folder" data-path={folder.path} style={{ paddingLeft: 4 + depth * 12 }}>
        <button type="button" className="folder-toggle" aria-expanded={!closed} onClick={() => toggle(folder.path)}>
          {`${closed ? '▸' : '▾'} ${folder.name}`}
        </button>
      </li>,
    );
    if (!closed) rows.push(<Folder key={`c:${folder.path}`} node={folder} depth={depth + 1} collapsed={collapsed} toggle={toggle} budget={budget} />);
  }
  for (const profile of node.profiles) {
    if (budget.left <= 0) break;
    budget.left--;
    rows.push(<ProfileRow key={profile.id} profile={profile} depth={depth} />);
  }
  return <>{rows}</>;
}

export function ProfileList() {
  const { t } = useTranslation('profiles');
  const profiles = useProfilesStore((s) => s.profiles);
  const loaded = useProfilesStore((s) => s.loaded);
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const shown = profiles.filter((p) => matchesFilter(p, filter));
  const toggle = (path: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  const budget = { left: MAX_ROWS };
  return (
    <div className="profile-list">
      {profiles.length > 5 && <input className="profile-filter" data-testid="profile-filter" value={filter} placeholder={t('list.filter')} onChange={(e) => setFilter(e.target.value)} />}
      {/* Until the host's list is in (its core may still be starting), neither an empty list nor rows. */}
      {!loaded && (
        <p className="hint" role="status" data-testid="profiles-loading">
          {t('list.loading')}
        </p>
      )}
      {loaded && profiles.length === 0 && (
        <p className="hint" data-testid="profiles-empty">
          {t('list.empty')}
        </p>
      )}
      <ul data-testid="profile-list">
        <Folder node={groupProfiles(shown)} depth={0} collapsed={collapsed} toggle={toggle} budget={budget} />
      </ul>
      {budget.left <= 0 && <p className="hint">{t('list.capped', { n: formatNumber(MAX_ROWS) })}</p>}
    </div>
  );
}
