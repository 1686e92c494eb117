import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { verifyPassword } from '../../../src/access/passwords.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcmbn-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm run cli -- …` the way an operator would (node with tsx), with its own data directory. */
function cli(args: string[], options: { password?: string; stdin?: string } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  delete env.PASSWORD;
  if (options.password !== undefined) env.PASSWORD = options.password;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, input: options.stdin ?? '', encoding: 'utf8' });
  return { status: result.status, out: result.stdout.trim(), err: result.stderr.trim() };
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir, 'app.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('npm run cli -- user …', () => {
  it('adds an account with the password from PASSWORD, audited as the CLI', () => {
    const result = cli(['user', 'add', '--email', 'Truong.Phong@sonla.gov.vn', '--name', 'Trưởng Phòng', '--role', 'department_head', '--area', '126'], { password: 'mật-khẩu-đủ-dài' });
    expect(result.err).toBe('');
    expect(result.status).toBe(0);
    expect(result.out).toContain('Created account');
    const [user] = query<{ email: string; role: string; area: string }>(
      'select u.email, u.role, a.name as area from users u join areas a on a.id = u.area_id',
    );
    expect(user).toEqual({ email: 'truong.phong@sonla.gov.vn', role: 'department_head', area: 'Huyện Sông Mã' });
    expect(query<{ actor_name: string; action: string }>("select actor_name, action from audit_log where record_type = 'user'")).toEqual([{ actor_name: 'CLI', action: 'create' }]);
  });

  it('reads the password from standard input', async () => {
    const result = cli(['user', 'add', '--email', 'thanh.tra@sonla.gov.vn', '--name', 'Thanh Tra', '--role', 'auditor'], { stdin: 'mật-khẩu-từ-stdin\n' });
    expect(result.status).toBe(0);
    const [user] = query<{ name: string; role: string; hash: string }>("select name, role, password_hash as hash from users where email = 'thanh.tra@sonla.gov.vn'");
    expect(user).toMatchObject({ name: 'Thanh Tra', role: 'auditor' });
    // The line typed, without its line ending, is the password.
    expect(await verifyPassword('mật-khẩu-từ-stdin', user!.hash)).toBe(true);
  });

  it('refuses bad input with the reason and exit code 2, writing nothing', () => {
    const before = query<{ n: number }>('select count(*) as n from users')[0]!.n;
    const short = cli(['user', 'add', '--email', 'a@b.vn', '--name', 'A', '--role', 'inspector'], { password: 'ngan' });
    expect(short.status).toBe(2);
    expect(short.err).toContain('ít nhất 10 ký tự');
    const role = cli(['user', 'add', '--email', 'a@b.vn', '--name', 'A', '--role', 'boss'], { password: 'mật-khẩu-đủ-dài' });
    expect(role.status).toBe(2);
    expect(role.err).toContain('Chọn vai trò');
    const area = cli(['user', 'add', '--email', 'a@b.vn', '--name', 'A', '--role', 'inspector', '--area', '999'], { password: 'mật-khẩu-đủ-dài' });
    expect(area.status).toBe(2);
    expect(area.err).toContain('999');
    expect(cli(['user', 'disable', 'nobody@x.vn']).status).toBe(2);
    expect(cli(['nonsense']).err).toContain('Usage');
    expect(query<{ n: number }>('select count(*) as n from users')[0]!.n).toBe(before);
  });

  it('changes a role, resets a password and disables an account', async () => {
    expect(cli(['user', 'set-role', 'thanh.tra@sonla.gov.vn', 'inspector']).status).toBe(0);
    expect(cli(['user', 'reset-password', 'thanh.tra@sonla.gov.vn'], { password: 'mật-khẩu-mới-dài' }).status).toBe(0);
    expect(cli(['user', 'disable', 'thanh.tra@sonla.gov.vn']).status).toBe(0);
    const [user] = query<{ role: string; disabled: number }>("select role, disabled_at is not null as disabled from users where email = 'thanh.tra@sonla.gov.vn'");
    expect(user).toEqual({ role: 'inspector', disabled: 1 });
    const [{ hash }] = query<{ hash: string }>("select password_hash as hash from users where email = 'thanh.tra@sonla.gov.vn'") as [{ hash: string }];
    expect(await verifyPassword('mật-khẩu-mới-dài', hash)).toBe(true);
    expect(await verifyPassword('mật-khẩu-từ-stdin', hash)).toBe(false);
    const actions = query<{ action: string }>("select action from audit_log where actor_name = 'CLI' order by id").map((row) => row.action);
    expect(actions).toEqual(['create', 'create', 'update', 'password_reset', 'disable']);
  });
});
