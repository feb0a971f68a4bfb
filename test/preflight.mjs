#!/usr/bin/env node
/**
 * Finds the real peers the test suite needs. As root on Debian/Ubuntu the missing ones are
 * installed with apt; elsewhere it stops and names exactly what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const REQUIREMENTS = [
  { program: 'mosquitto', aptPackage: 'mosquitto', brew: 'mosquitto' },
  { program: 'mosquitto_pub', aptPackage: 'mosquitto-clients', brew: 'mosquitto' },
  { program: 'mosquitto_sub', aptPackage: 'mosquitto-clients', brew: 'mosquitto' },
  { program: 'openssl', aptPackage: 'openssl', brew: 'openssl' },
  { program: 'chromium', aptPackage: 'chromium', brew: 'chromium (or set CHROMIUM_PATH)', env: 'CHROMIUM_PATH' },
  { program: 'nats-server', aptPackage: 'nats-server', brew: 'nats-server' },
  { program: 'rabbitmq-server', aptPackage: 'rabbitmq-server', brew: 'rabbitmq' },
  // Debian keeps initdb/pg_ctl in a versioned folder, off PATH (test/support/postgres.ts looks there too).
  { program: 'initdb', aptPackage: 'postgresql', brew: 'postgresql', extraDirs: postgresBinDirs },
  { program: 'pg_ctl', aptPackage: 'postgresql', brew: 'postgresql', extraDirs: postgresBinDirs },
];

function postgresBinDirs() {
  try {
    return readdirSync('/usr/lib/postgresql').map((version) => join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    return [];
  }
}

function find(requirement) {
  if (requirement.env && process.env[requirement.env]) return existsSync(process.env[requirement.env]);
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin'], requirement.extraDirs?.() ?? []);
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, requirement.program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const missing = REQUIREMENTS.filter((r) => !find(r));
if (missing.length === 0) {
  console.log('preflight: mosquitto, mosquitto-clients, openssl, chromium, nats-server, rabbitmq-server and postgresql found');
  process.exit(0);
}

const packages = [...new Set(missing.map((r) => r.aptPackage))];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

if (isRoot && hasApt) {
  console.log(`preflight: installing ${packages.join(', ')} with apt`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  const still = REQUIREMENTS.filter((r) => !find(r));
  if (still.length > 0) {
    console.error(`preflight: still missing after apt: ${still.map((r) => r.program).join(', ')}`);
    process.exit(1);
  }
  process.exit(0);
}

console.error(`preflight: the test suite needs real peers that are missing: ${missing.map((r) => r.program).join(', ')}.`);
if (hasApt) console.error(`Install them: sudo apt-get install ${packages.join(' ')}`);
else if (process.platform === 'darwin') console.error(`Install them: brew install ${[...new Set(missing.map((r) => r.brew))].join(' ')}`);
else console.error(`Install these packages with your system's package manager: ${packages.join(' ')}`);
process.exit(1);
