import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/**
 * The real server as a child process, for tests and benchmarks that need it over HTTP (a crash, a load):
 * the built JavaScript started as `npm start` starts it, and signed into as a browser does.
 */

const root = path.resolve(import.meta.dirname, '../..');

/** Brings dist/ up to date, as `npm start` does first (quick when nothing changed). */
export function buildServer(): void {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}

/** A free TCP port on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the built server (buildServer first) on a data directory and port, as `npm start` does, and waits for /healthz. */
export async function startServer(
  dataDir: string,
  port: number,
  options: { env?: Record<string, string>; stdio?: 'ignore' | 'inherit'; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--max-old-space-size=256', ...(options.nodeArgs ?? []), path.join(root, 'dist/src/server.js')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', COOKIE_SECURE: 'false', LOG_LEVEL: 'warn', DAILY_BACKUPS: 'false', ...options.env },
    stdio: options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'ignore',
  });
  // Asked often, so the benchmark's start-up time is the server's, not the polling's.
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('server did not start');
}

export async function stopServer(server: ChildProcess): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

/** A signed-in session over HTTP: cookies and the CSRF token, as a browser keeps them (and the sign-in's status). */
export async function signInOverHttp(base: string, email: string, password: string): Promise<{ cookie: string; csrf: string; loginStatus: number }> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      // A cleared cookie (the CSRF secret is renewed at sign-in) is dropped, as a browser drops it.
      if (value.join('=') === '') cookies.delete(name!);
      else cookies.set(name!, value.join('='));
    }
  };
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const page = await fetch(`${base}/login`);
  keep(page);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  keep(login);
  const home = await fetch(`${base}/`, { headers: { cookie: cookieHeader() } });
  keep(home);
  const token = /name="csrf-token" content="([^"]+)"/.exec(await home.text())?.[1] ?? '';
  return { cookie: cookieHeader(), csrf: token, loginStatus: login.status };
}
