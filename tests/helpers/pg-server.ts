/**
 * A real, throwaway PostgreSQL server for tests: Debian's initdb into a temporary folder owned by the
 * `postgres` user, pg_ctl start on a free 127.0.0.1 port (run as `postgres`: PostgreSQL refuses root),
 * password (scram-sha-256) authentication over TCP, and stop + removal afterwards.
 *
 * findPgBin() tells whether a server is installed. Under CI=true a missing server is a test failure;
 * elsewhere tests skip with a message.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PgServer {
  host: string;
  port: number;
  /** Superuser (postgres) password and a URL for it. */
  superUrl: string;
  /** URL for a database owned by `role`. */
  url(role: string, password: string, database: string): string;
  dir: string;
  stop(): void;
}

const CANDIDATES = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/14/bin'];

/** Folder holding initdb and pg_ctl, or undefined. */
export function findPgBin(): string | undefined {
  return CANDIDATES.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/** Runs a command as the postgres user (directly when the process already is that user). */
function asPostgres(cmd: string, args: string[], opts: { timeout?: number } = {}): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return execFileSync(file, argv, { encoding: 'utf8', timeout: opts.timeout ?? 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPgServer(options: { maxConnections?: number; superPassword?: string } = {}): Promise<PgServer> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install postgresql-15)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-pg-'));
  const uid = idOf('-u', 'postgres');
  const gid = idOf('-g', 'postgres');
  fs.chmodSync(dir, 0o700);
  fs.chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  fs.chownSync(sock, uid, gid);
  const superPassword = options.superPassword ?? 'super-' + Math.random().toString(36).slice(2);
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, superPassword + '\n', { mode: 0o600 });
  fs.chownSync(pwfile, uid, gid);
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  fs.rmSync(pwfile);
  const port = await freePort();
  const opts = [`-p ${port}`, `-k ${sock}`, "-c listen_addresses=127.0.0.1", `-c max_connections=${options.maxConnections ?? 20}`, '-c fsync=off', '-c superuser_reserved_connections=3'].join(' ');
  try {
    asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start'], { timeout: 90_000 });
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${log}`);
  }
  const host = '127.0.0.1';
  let stopped = false;
  return {
    host,
    port,
    dir,
    superUrl: `postgres://postgres:${encodeURIComponent(superPassword)}@${host}:${port}/postgres`,
    url: (role, password, database) => `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${host}:${port}/${database}`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], { timeout: 60_000 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
