import { useProfilesStore } from '../../stores/profiles-store';
import { ImportPreviewDialog } from './import-preview';
import { ImportReportView } from './import-report';
import { ProfileList } from './profile-list';

import { ProfilesToolbar } from './profiles-toolbar';
import './profiles.css';
import { describeError } from '../../ui/errors';

export function ProfilesPanel() {
  const error = useProfilesStore((s) => s.error);
  return (
    <div className="profiles">
      <ProfilesToolbar />
      <ProfileList />
      <ImportReportView />
      <ImportPreviewDialog />
      {error && (
        <p className="error-box" role="alert" data-testid="profiles-error">
          <strong>{error.code}</strong> {describeError(error)}
        </p>
      )}
    </div>
  );
}
