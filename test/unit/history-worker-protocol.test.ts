import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ExportProgress } from '../../main/core/history/export';
import type { WorkerChannel } from '../../main/core/history/worker-channel';
import type { MethodHandlers, ReaderMethods, WriterMethods } from '../../main/core/history/worker-protocol';

// Compile-time checks (tsc -p tsconfig.node.json covers test/): the functions are never called.
describe('history worker protocol', () => {
  it('types a call by its method: an unknown method or a wrong argument does not compile', () => {
    const calls = (writer: WorkerChannel<WriterMethods>, reader: WorkerChannel<ReaderMethods>): void => {
      // @ts-expect-error no such method
      writer.call('vacuum', []);
      // @ts-expect-error a reader's method is not the writer's
      writer.call('page', [{}]);
      // @ts-expect-error the connection key is a string
      writer.call('clear', [42, undefined]);
      // @ts-expect-error missing argument
      reader.call('countUpTo', [{}]);
      expectTypeOf(reader.call('countUpTo', [{}, 10]).promise).resolves.toEqualTypeOf<{ count: number; capped: boolean }>();
      expectTypeOf(writer.call('backup', ['/tmp/x.db']).promise).resolves.toEqualTypeOf<{ path: string; bytes: number }>();
      reader.call('export', [{ path: '/tmp/x', format: 'ndjson' }], (progress) => expectTypeOf(progress).toEqualTypeOf<ExportProgress>());
    };
    expect(typeof calls).toBe('function');
  });

  it('types a worker handler by its method', () => {
    const handlers = (store: { count(): number }): Pick<MethodHandlers<ReaderMethods>, 'count'> => ({
      count: ([query]) => {
        expectTypeOf(query.topicFilter).toEqualTypeOf<string | undefined>();
        return store.count();
      },
    });
    // @ts-expect-error a handler must give back its method's result
    const wrong: Pick<MethodHandlers<ReaderMethods>, 'count'> = { count: () => 'many' };
    expect([typeof handlers, typeof wrong]).toEqual(['function', 'object']);
  });
});
