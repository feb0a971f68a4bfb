import { topicFilterProblem } from '../../../../shared/mqtt/topic';
import type { AuthHooks } from '../auth';
import { ConfigError } from './config-error';

/**
 * mosquitto acl_file: `topic [read|write|readwrite|deny] TOPIC` lines (before the first `user` line
 * for anonymous clients, after `user NAME` for that user), and `pattern [access] TOPIC` lines for
 * everyone, where `%c` is the ClientID and `%u` the user name. Access is omitted = readwrite.
 *
 * A check follows mosquitto 2: the client's topic rules, denials first, then grants; then the
 * patterns, denials first, then grants; nothing matching = denied. Publishing needs write; a message
 * reaches a subscriber only with read (checked at delivery, so a partly denied `a/#` still works).
 * SUBSCRIBE (our addition; mosquitto 2.0 grants every filter and filters at delivery): a filter no
 * read rule can match, or one a deny rule covers entirely, is refused in the SUBACK.
 */
const READ = 1;
const WRITE = 2;

interface Rule {
  /** READ | WRITE bits; 0 = deny. */
  access: number;
  topic: string;
  levels: string[];
  usesClientId: boolean;
  usesUsername: boolean;
}

export interface Acl {
  anonymous: Rule[];
  users: Map<string, Rule[]>;
  patterns: Rule[];
}

const ACCESS: Record<string, number> = { read: READ, write: WRITE, readwrite: READ | WRITE, deny: 0 };

export function parseAclFile(text: string, file: string): Acl {
  const acl: Acl = { anonymous: [], users: new Map(), patterns: [] };
  let current = acl.anonymous;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const space = line.search(/\s/);
    const keyword = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space).trim();
    if (keyword === 'user') {
      if (rest === '') throw new ConfigError(file, i + 1, keyword, 'needs a user name');
      current = acl.users.get(rest) ?? [];
      acl.users.set(rest, current);
      continue;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') throw new ConfigError(file, i + 1, keyword, 'unknown ACL line: expected user, topic or pattern');
    const first = rest.split(/\s+/, 1)[0] ?? '';
    const hasAccess = Object.hasOwn(ACCESS, first);
    const topic = hasAccess ? rest.slice(first.length).trim() : rest;
    if (topic === '') throw new ConfigError(file, i + 1, keyword, 'needs a topic');
    const problem = topicFilterProblem(keyword === 'pattern' ? topic.replace(/%[cu]/g, 'x') : topic);
    if (problem) throw new ConfigError(file, i + 1, keyword, `"${topic}": ${problem}`);
    const rule: Rule = {
      access: hasAccess ? ACCESS[first]! : READ | WRITE,
      topic,
      levels: topic.split('/'),
      usesClientId: keyword === 'pattern' && topic.includes('%c'),
      usesUsername: keyword === 'pattern' && topic.includes('%u'),
    };
    (keyword === 'pattern' ? acl.patterns : current).push(rule);
  }
  return acl;
}

/** Topic-filter matching on split levels ([MQTT-4.7.2-1]: no leading wildcard matches a $ topic). */
function matches(filter: string[], topic: string[]): boolean {
  if (topic[0]!.startsWith('$') && (filter[0] === '+' || filter[0] === '#')) return false;
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i]!;
    if (f === '#') return true;
    if (i >= topic.length) return false;
    if (f !== '+' && f !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** Some topic matches both filters. */
function intersects(a: string[], b: string[]): boolean {
  const dollarA = a[0]!.startsWith('$');
  const dollarB = b[0]!.startsWith('$');
  if ((dollarA && (b[0] === '+' || b[0] === '#')) || (dollarB && (a[0] === '+' || a[0] === '#'))) return false;
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === '#' || y === '#') return true;
    if (x === undefined || y === undefined) return x === y;
    if (x !== '+' && y !== '+' && x !== y) return false;
  }
}

/** Every topic `filter` matches, `rule` matches too. */
function covers(rule: string[], filter: string[]): boolean {
  if (filter[0]!.startsWith('$') && (rule[0] === '+' || rule[0] === '#')) return false;
  for (let i = 0; ; i++) {
    const r = rule[i];
    const f = filter[i];
    if (r === '#') return true;
    if (r === undefined || f === undefined) return r === f;
    if (f === '#') return false;
    if (r === '+') continue;
    if (f === '+' || r !== f) return false;
  }
}

/** The rules that apply to one client: its topic rules, then its patterns with %c/%u filled in. */
interface Principal {
  rules: Rule[];
  patterns: string[][];
  patternAccess: number[];
  /** A ClientID or user name with + or #: mosquitto denies such clients everything patterns could grant. */
  dangerous: boolean;
  /** Read results by topic, for delivery (bounded). */
  reads: Map<string, boolean>;
}

const READ_CACHE_LIMIT = 4096;
const PRINCIPAL_LIMIT = 10_000;

export function aclHooks(acl: Acl): Required<Pick<AuthHooks, 'authorizePublish' | 'authorizeSubscribe' | 'authorizeRead'>> {
  const principals = new Map<string, Principal>();

  function principal(clientId: string, username: string | undefined): Principal {
    const key = username === undefined ? `\u0000${clientId}` : `${username}\u0000${clientId}`;
    let found = principals.get(key);
    if (found) return found;
    if (principals.size >= PRINCIPAL_LIMIT) principals.clear();
    const patterns: string[][] = [];
    const patternAccess: number[] = [];
    for (const pattern of acl.patterns) {
      if (pattern.usesUsername && username === undefined) continue;
      const topic = pattern.topic.replace(/%c/g, clientId).replace(/%u/g, username ?? '');
      patterns.push(topic.split('/'));
      patternAccess.push(pattern.access);
    }
    found = {
      rules: username === undefined ? acl.anonymous : (acl.users.get(username) ?? []),
      patterns,
      patternAccess,
      dangerous: /[+#]/.test(clientId) || (username !== undefined && /[+#]/.test(username)),
      reads: new Map(),
    };
    principals.set(key, found);
    return found;
  }

  /** mosquitto's order: topic denials, topic grants, pattern denials, pattern grants; else denied. */
  function check(p: Principal, access: number, topic: string): boolean {
    const levels = topic.split('/');
    for (const rule of p.rules) if (rule.access === 0 && matches(rule.levels, levels)) return false;
    for (const rule of p.rules) if (rule.access & access && matches(rule.levels, levels)) return true;
    if (p.patterns.length === 0 || p.dangerous) return false;
    for (let i = 0; i < p.patterns.length; i++) if (p.patternAccess[i] === 0 && matches(p.patterns[i]!, levels)) return false;
    for (let i = 0; i < p.patterns.length; i++) if (p.patternAccess[i]! & access && matches(p.patterns[i]!, levels)) return true;
    return false;
  }

  return {
    authorizePublish: (clientId, topic, username) => check(principal(clientId, username), WRITE, topic),
    authorizeRead(clientId, topic, username) {
      const p = principal(clientId, username);
      let allowed = p.reads.get(topic);
      if (allowed === undefined) {
        allowed = check(p, READ, topic);
        if (p.reads.size >= READ_CACHE_LIMIT) p.reads.clear();
        p.reads.set(topic, allowed);
      }
      return allowed;
    },
    authorizeSubscribe(clientId, filter, username) {
      const p = principal(clientId, username);
      // "$share/{group}/{filter}": the filter is what is read
      const shared = filter.startsWith('$share/') ? filter.indexOf('/', 7) : -1;
      const levels = (shared > 0 ? filter.slice(shared + 1) : filter).split('/');
      const usablePatterns = p.dangerous ? [] : p.patterns.map((levels, i) => ({ levels, access: p.patternAccess[i]! }));
      const all = [...p.rules.map((r) => ({ levels: r.levels, access: r.access })), ...usablePatterns];
      if (all.some((r) => r.access === 0 && covers(r.levels, levels))) return false;
      return all.some((r) => r.access & READ && intersects(r.levels, levels));
    },
  };
}
