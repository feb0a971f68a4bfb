import type { RequestChannel } from '../../../shared/contract';
import type { RequestHandlers } from '../rpc/dispatcher';

/** The request channels of one contract domain: `ChannelsOf<'profiles'>` is 'profiles.list' | 'profiles.save' | ... */
export type ChannelsOf<D extends string> = Extract<RequestChannel, `${D}.${string}`>;

/**
 * What every service of the core returns: the handlers of its channels (typed from the contract, so
 * a channel left out is a type error where the service writes them) and how to release what it holds.
 */
export interface Service<C extends RequestChannel> {
  handlers: Pick<RequestHandlers, C>;
  close(): Promise<void>;
}
