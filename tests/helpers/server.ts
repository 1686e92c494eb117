import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * The real server as a child process, for tests and benchmarks that need it over HTTP (a crash, a load):
 * started as `npm start` starts it, and signed into as a browser does.
 */

/** A free TCP port on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the server on a data directory and port (same heap limit as `npm start`) and waits for /healthz. */
export async function startServer(dataDir: string, port: number, options: { env?: Record<string, string>; stdio?: 'ignore' | 'inherit'; attempts?: number } = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', COOKIE_SECURE: 'false', LOG_LEVEL: 'warn', DAILY_BACKUPS: 'false', ...options.env },
    stdio: options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'ignore',
  });
  for (let attempt = 0; attempt < (options.attempts ?? 100); attempt += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
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
