import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCollectionsStore } from '../../main/core/collections/collections-store';
import { COLLECTION_FILE_KIND, WorkbenchFailure } from '../../shared/contract';

/** The saved-messages store against real files in a temporary folder: what is saved is on disk, whole. */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function filePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-collections-'));
  dirs.push(dir);
  return join(dir, 'collections.json');
}
const message = (name: string, topic = 'site/t', payload = '{"t": 1}') => ({ name, topic, payload, format: 'json' as const, qos: 1 as const, retain: false, variables: true });

describe('collections store: the file', () => {
  it('keeps collections, folders, messages, environments and variables in a 0600 file across a restart', () => {
    const path = filePath();
    const store = createCollectionsStore(path);
    const shared = store.saveCollection({ name: 'Daily' });
    const mine = store.saveCollection({ name: 'Bench', profileId: 'p1' });
    const folder = store.saveFolder(shared, { name: 'Lights' });
    store.saveMessage(shared, { ...message('On', 'home/{{room}}/light'), folderId: folder, properties: { userProperties: [{ key: 'site', value: '{{site}}' }], contentType: 'application/json' } });
    store.saveMessage(mine, message('Ping'));
    const env = store.saveEnvironment({ name: 'Berlin', variables: { site: 'berlin' } });
    store.chooseEnvironment('p1', env);
    store.setVariables({ room: 'kitchen' });

    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    const again = createCollectionsStore(path);
    expect(again.state()).toEqual(store.state());
    expect(again.state().collections.map((c) => [c.name, c.profileId])).toEqual([
      ['Daily', undefined],
      ['Bench', 'p1'],
    ]);
    expect(again.collection(shared).messages[0]).toMatchObject({ name: 'On', folderId: folder, properties: { userProperties: [{ key: 'site', value: '{{site}}' }] } });
    expect(again.variablesFor('p1')).toEqual({ user: { room: 'kitchen' }, environment: { site: 'berlin' } });
    expect(again.variablesFor('p2')).toEqual({ user: { room: 'kitchen' }, environment: undefined });
  });

  it('sets a damaged file aside as collections.json.damaged and starts empty', () => {
    const path = filePath();
    writeFileSync(path, '{"version": 1, "collections": [{"id": "x"');
    const store = createCollectionsStore(path);
    expect(store.state().collections).toEqual([]);
    expect(readFileSync(`${path}.damaged`, 'utf8')).toBe('{"version": 1, "collections": [{"id": "x"');
    // A file of the wrong shape is damaged too.
    writeFileSync(path, JSON.stringify({ version: 1, collections: [{ id: 'a', name: '' }], environments: [], variables: {}, profileEnvironments: {} }));
    expect(createCollectionsStore(path).state().collections).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });
});

describe('collections store: editing', () => {
  it('renames, duplicates, reorders, moves between folders and deletes', () => {
    const store = createCollectionsStore(undefined);
    const c = store.saveCollection({ name: 'C' });
    const a = store.saveMessage(c, message('A'));
    const b = store.saveMessage(c, message('B'));
    const copy = store.duplicateMessage(c, a);
    const names = () => store.collection(c).messages.map((m) => m.name);
    expect(names()).toEqual(['A', 'A (copy)', 'B']);
    expect(store.duplicateMessage(c, a)).not.toBe(copy);
    expect(names()).toEqual(['A', 'A (copy) (2)', 'A (copy)', 'B']);
    store.renameMessage(c, b, 'Bee');
    store.moveMessage(c, b, 0);
    expect(names()[0]).toBe('Bee');
    const folder = store.saveFolder(c, { name: 'F' });
    store.moveMessage(c, a, 3, folder);
    expect(store.message(c, a)).toMatchObject({ folderId: folder });
    expect(names()[3]).toBe('A');
    store.saveFolder(c, { folderId: folder, name: 'Renamed' });
    // Deleting a folder keeps its messages, at the top level.
    store.deleteFolder(c, folder);
    expect(store.message(c, a).folderId).toBeUndefined();
    store.deleteMessages(c, [a, copy]);
    expect(names()).toEqual(['Bee', 'A (copy) (2)']);
    store.saveCollection({ id: c, name: 'Renamed' });
    expect(store.collection(c).name).toBe('Renamed');
    store.deleteCollection(c);
    expect(store.state().collections).toEqual([]);
    expect(() => store.message(c, a)).toThrow(WorkbenchFailure);
  });

  it('refuses a built-in name as a variable of the user or an environment', () => {
    const store = createCollectionsStore(undefined);
    expect(() => store.setVariables({ uuid: 'x' })).toThrow(/uuid: built-in variable/);
    expect(() => store.saveEnvironment({ name: 'E', variables: { now: '1', seq: '2' } })).toThrow(/now, seq: built-in variables/);
  });

  it('forgets a deleted environment where profiles chose it', () => {
    const store = createCollectionsStore(undefined);
    const env = store.saveEnvironment({ name: 'E', variables: { site: 'x' } });
    store.chooseEnvironment('p', env);
    store.deleteEnvironment(env);
    expect(store.state().profileEnvironments).toEqual({});
  });
});

describe('collections store: export and import', () => {
  it('exports a collection file that imports as a new collection with new ids, twice as two', () => {
    const path = filePath();
    const store = createCollectionsStore(path);
    const c = store.saveCollection({ name: 'Lab / bench' });
    const folder = store.saveFolder(c, { name: 'F' });
    store.saveMessage(c, { ...message('A'), folderId: folder });
    store.saveMessage(c, message('B', 'x/{{seq}}', 'AQID'));
    const { json, fileName } = store.exportCollection(c);
    expect(fileName).toBe('Lab _ bench.collection.json');
    expect(JSON.parse(json)).toMatchObject({ kind: COLLECTION_FILE_KIND, version: 1, collection: { name: 'Lab / bench' } });

    const first = store.importCollection(json, 'p9');
    const second = store.importCollection(json, 'p9');
    const imported = store.collection(first);
    expect(imported).toMatchObject({ name: 'Lab / bench', profileId: 'p9' });
    expect(store.collection(second).name).toBe('Lab / bench (2)');
    expect(imported.messages.map((m) => m.name)).toEqual(['A', 'B']);
    expect(imported.folders[0]?.id).not.toBe(folder);
    expect(imported.messages[0]?.folderId).toBe(imported.folders[0]?.id);
    expect(imported.messages.map((m) => m.id)).not.toContain(store.collection(c).messages[0]?.id);
    expect(createCollectionsStore(path).state().collections).toHaveLength(3);
  });

  it('refuses a broken file with the problems named, and changes nothing', () => {
    const path = filePath();
    const store = createCollectionsStore(path);
    store.saveCollection({ name: 'Kept' });
    const before = readFileSync(path, 'utf8');
    const attempt = (text: string) => {
      try {
        store.importCollection(text);
      } catch (error) {
        expect(error).toBeInstanceOf(WorkbenchFailure);
        expect((error as WorkbenchFailure).code).toBe('IMPORT_INVALID');
        return (error as Error).message;
      }
      throw new Error('imported');
    };
    expect(attempt('{"kind": ')).toMatch(/^Not a collection file: the JSON does not read/);
    expect(attempt(JSON.stringify({ kind: 'something else', version: 1, collection: { name: 'x', messages: [] } }))).toMatch(/kind: Invalid input: expected "mqtt-workbench.collection"/);
    const badQos = { kind: COLLECTION_FILE_KIND, version: 1, collection: { name: 'x', messages: [{ id: 'm', name: 'M', topic: 't', payload: '', qos: 3 }] } };
    expect(attempt(JSON.stringify(badQos))).toMatch(/collection\.messages\.0\.qos/);
    const orphan = { kind: COLLECTION_FILE_KIND, version: 1, collection: { name: 'x', messages: [{ id: 'm', name: 'M', topic: 't', payload: '', folderId: 'nope' }] } };
    expect(attempt(JSON.stringify(orphan))).toMatch(/folder nope, which the file does not list/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(store.state().collections.map((c) => c.name)).toEqual(['Kept']);
  });
});
