import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { requireProgram, waitForPort } from './mosquitto';

/**
 * Brokers nobody on the project wrote, started by the tests on loopback: Debian's nats-server (MQTT
 * 3.1.1 only, with JetStream) and rabbitmq-server with its MQTT plugin (3.10: MQTT 3.1.1 and 3.1).
 * Each runs from its own temporary folder and is stopped with its whole process group.
 */
export interface ExternalBroker {
  host: string;
  /** MQTT over TCP. */
  port: number;
  /** Everything the broker logged so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal); // the whole group: rabbitmq-server is a shell script around Erlang
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  return Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5000))]).then(() => kill('SIGKILL'));
}

function spawnLogged(binary: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(binary, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, log: () => output };
}

/** Waits for the port, failing at once (with the broker's words) if the broker exits first. */
async function readyOrExited(name: string, port: number, timeoutMs: number, exited: Promise<void>, log: () => string): Promise<void> {
  await Promise.race([
    waitForPort(port, timeoutMs).catch(() => {
      throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms. Its output:\n${log()}`);
    }),
    exited.then(() => {
      throw new Error(`${name} exited at start. Its output:\n${log()}`);
    }),
  ]);
}

/** nats-server with its MQTT listener (which needs JetStream and a server name). */
export async function startNats(): Promise<ExternalBroker> {
  const binary = requireProgram('nats-server', 'nats-server');
  const dir = mkdtempSync(join(tmpdir(), 'wb-nats-'));
  const [clientPort, mqttPort] = [await freePort(), await freePort()];
  const config = join(dir, 'nats.conf');
  writeFileSync(
    config,
    [
      `listen: 127.0.0.1:${clientPort}`,
      'server_name: workbench_test',
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      `mqtt { listen: 127.0.0.1:${mqttPort} }`,
      '',
    ].join('\n'),
  );
  const { child, exited, log } = spawnLogged(binary, ['-c', config], process.env, dir);
  try {
    await readyOrExited('nats-server', mqttPort, 15_000, exited, log);
  } catch (error) {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port: mqttPort,
    log,
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RabbitUser {
  name: string;
  password: string;
  /** Regular expressions on the AMQP routing key (an MQTT topic with '/' as '.'): what it may publish and read. */
  topicWrite?: string;
  topicRead?: string;
}

/** rabbit_password_hashing_sha256: base64(salt ‖ sha256(salt ‖ password)), as RabbitMQ stores it. */
function rabbitPasswordHash(password: string): string {
  const salt = randomBytes(4);
  return Buffer.concat([salt, createHash('sha256').update(Buffer.concat([salt, Buffer.from(password)])).digest()]).toString('base64');
}

/**
 * rabbitmq-server with rabbitmq_mqtt, users and topic permissions from a definitions file. Anonymous
 * MQTT clients act as the first user. Takes several seconds: start it once per test file.
 */
export async function startRabbitMq(users: RabbitUser[]): Promise<ExternalBroker> {
  const server = '/usr/lib/rabbitmq/bin/rabbitmq-server'; // the Debian wrapper in /usr/sbin would switch to the rabbitmq user
  requireProgram('rabbitmq-server', 'rabbitmq-server');
  const dir = mkdtempSync(join(tmpdir(), 'wb-rabbit-'));
  chmodSync(dir, 0o700);
  for (const sub of ['mnesia', 'log']) mkdirSync(join(dir, sub));
  const [amqpPort, distPort, epmdPort, mqttPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const definitions = {
    users: users.map((u) => ({ name: u.name, password_hash: rabbitPasswordHash(u.password), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [] })),
    vhosts: [{ name: '/' }],
    permissions: users.map((u) => ({ user: u.name, vhost: '/', configure: '.*', write: '.*', read: '.*' })),
    topic_permissions: users
      .filter((u) => u.topicWrite || u.topicRead)
      .map((u) => ({ user: u.name, vhost: '/', exchange: 'amq.topic', write: u.topicWrite ?? '.*', read: u.topicRead ?? '.*' })),
  };
  writeFileSync(join(dir, 'definitions.json'), JSON.stringify(definitions));
  writeFileSync(
    join(dir, 'rabbit.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
      'mqtt.allow_anonymous = true',
      `mqtt.default_user = ${users[0]!.name}`,
      `mqtt.default_pass = ${users[0]!.password}`,
      `load_definitions = ${join(dir, 'definitions.json')}`,
      'loopback_users = none',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(join(dir, '.erlang.cookie'), randomBytes(16).toString('hex'), { mode: 0o400 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: `workbench${mqttPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbit'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
  };
  const { child, exited, log } = spawnLogged(server, [], env, dir);
  const stopAll = async () => {
    await stopChild(child, exited);
    // rabbitmq-server starts its own epmd as a daemon: end it too.
    const epmd = spawn('epmd', ['-kill'], { env, stdio: 'ignore' });
    await new Promise((resolve) => epmd.once('exit', resolve).once('error', resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await readyOrExited('rabbitmq-server', mqttPort, 90_000, exited, log);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { host: '127.0.0.1', port: mqttPort, log, stop: stopAll };
}
