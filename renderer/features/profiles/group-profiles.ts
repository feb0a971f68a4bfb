import type { Profile } from '../../../shared/contract';

export interface FolderNode {
  name: string;
  path: string;
  folders: FolderNode[];
  profiles: Profile[];
}

/** Profiles as a folder tree ("Plant A/Line 2"), folders first, both sorted by name. */
export function groupProfiles(profiles: readonly Profile[]): FolderNode {
  const root: FolderNode = { name: '', path: '', folders: [], profiles: [] };
  for (const profile of profiles) {
    let node = root;
    for (const part of profile.folder.split('/').filter(Boolean)) {
      const path = node.path ? `${node.path}/${part}` : part;
      let child = node.folders.find((f) => f.name === part);
      if (!child) node.folders.push((child = { name: part, path, folders: [], profiles: [] }));
      node = child;
    }
    node.profiles.push(profile);
  }
  const sort = (node: FolderNode) => {
    node.folders.sort((a, b) => a.name.localeCompare(b.name));
    node.profiles.sort((a, b) => a.name.localeCompare(b.name));
    node.folders.forEach(sort);
  };
  sort(root);
  return root;
}

export function matchesFilter(profile: Profile, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [profile.name, profile.folder, profile.options.host].some((s) => s.toLowerCase().includes(f));
}
