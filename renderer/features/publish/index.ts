import type { MessageTemplate } from '../../../shared/contract';
import { useConnectionsStore } from '../../stores/connections-store';
import { useUiStore } from '../../stores/ui-store';
import { usePublishDrafts } from './publish-drafts';
import { templateToDraft } from './saved-template';

export { PublishPanel, PublishToggle } from './publish-panel';

/** Puts a saved message in the publish panel (the active connection's draft), as it was written, and shows the panel. */
export function loadTemplateIntoPublish(template: MessageTemplate): void {
  const { activeId, summaries } = useConnectionsStore.getState();
  const key = activeId ? (summaries[activeId]?.connectionKey ?? '') : '';
  usePublishDrafts.getState().update(key, templateToDraft(template));
  useUiStore.getState().setPublishOpen(true);
}
