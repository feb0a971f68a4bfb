/** Every namespace of the en catalog: one file per feature, so each is edited alone. */
import common from './common';
import app from './app';
import automation from './automation';
import broker from './broker';
import brokerStats from './broker-stats';
import codecs from './codecs';
import collections from './collections';
import connectionDialog from './connection-dialog';
import connectionTabs from './connection-tabs';
import firstRun from './first-run';
import history from './history';
import inspector from './inspector';
import messages from './messages';
import plots from './plots';
import profiles from './profiles';
import publish from './publish';
import subscriptions from './subscriptions';
import topicTree from './topic-tree';
import payload from './payload';
import errors from './errors';

export const en = { common, app, automation, broker, brokerStats, codecs, collections, connectionDialog, connectionTabs, firstRun, history, inspector, messages, plots, profiles, publish, subscriptions, topicTree, payload, errors };
