import { useMemo } from 'react';
import type { MessageTemplate } from '../../../shared/contract';
import { parseUserVariables } from '../../../shared/templates/message-variables';
import { useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
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

const NONE: Record<string, string> = {};

/**
 * The active connection's own variables in the publish panel (its Variables list), when they read:
 * saved messages sent from Collections use them too, over the environment, as Publish does.
 */
export function useDraftVariables(): Record<string, string> {
  const key = useActiveConnection()?.connectionKey ?? '';
  const text = usePublishDrafts((s) => s.drafts[key]?.variables ?? '');
  return useMemo(() => {
    const parsed = parseUserVariables(text);
    return parsed.ok && Object.keys(parsed.variables).length > 0 ? parsed.variables : NONE;
  }, [text]);
}
