import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { seedAdministrativeUnits } from '../db/seed.js';
import { loadConfig } from './config.js';
import { translator } from './i18n/index.js';
import { parseForm, type FieldErrors } from './lib/forms.js';
import { isRuleError } from './lib/errors.js';
import { buildServices } from './services.js';
import { systemActor } from './access/actor.js';
import { BackupError, createBackup, restoreBackup } from './modules/backups/index.js';
import { newUserSchema, passwordResetSchema, userUpdateSchema } from './modules/users/index.js';
import { SnapshotError, writeSnapshot } from './modules/snapshots/index.js';
import { buildAreaCatalog } from './areas/index.js';
import { scopeOfArea, WHOLE_PROVINCE } from './access/scope.js';
import { parseDateInput } from './lib/dates.js';

// Behind the explicit modes on the data files: whatever else this command writes is private too (it may hold personal data).
process.umask(0o077);

const usage = `Usage: npm run cli -- <command>

  user add --email E --name N --role R [--area CODE]
      R: admin | department_head | inspector | auditor
      CODE: a district code (e.g. 126, before 1 July 2025) or a commune code from 1 July 2025
  user disable E
  user enable E
  user set-role E R
  user reset-password E
  backup FILE        a consistent copy of the database and uploads (.tar.gz), while the server runs
  restore FILE       checks the backup (every file its database names is there, unchanged), then
                     replaces the data directory's database and uploads (stop the server first)
  snapshot --out FILE [--area CODE] [--format sqlite|csv] [--from DATE] [--to DATE]
                     a consistent, read-only copy for reporting tools (while the server runs): one SQLite
                     file, or a folder of CSV files (UTF-8 with BOM); only that area's records with --area,
                     only that period's with --from/--to (dd/mm/yyyy or YYYY-MM-DD); no passwords, sessions,
                     secrets, request keys, victim-detail notes or audit details

The password (add, reset-password) is read from the PASSWORD environment variable, or else from standard input.
Changes are written through the same rules and audit trail as the web pages.`;

class CliError extends Error {}

async function readPassword(): Promise<string> {
  if (process.env.PASSWORD) return process.env.PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      area: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [group, command, ...rest] = positionals;
  const config = loadConfig();
  if (group === 'backup' || group === 'restore') return backupCommand(group, command, config);
  if (group === 'snapshot') return snapshotCommand(values, config);
  if (values.help || group !== 'user' || !command) throw new CliError(usage);

  const t = translator(config.DEFAULT_LANG);
  const db = openDatabase(config.databaseFile);
  try {
    runMigrations(db);
    seedAdministrativeUnits(db, { info: () => undefined });
    const { users, catalog } = buildServices({ db, config, now: () => new Date() });
    const actor = systemActor('CLI');
    const explain = (errors: FieldErrors) =>
      Object.entries(errors)
        .map(([field, messages]) => `${field}: ${messages.map((message) => t(message.key, message.params)).join(' ')}`)
        .join('\n');
    const find = (email: string | undefined) => {
      const user = email ? users.findByEmail(email) : undefined;
      if (!user) throw new CliError(`No account with email ${email ?? '(missing)'}`);
      return user;
    };

    switch (command) {
      case 'add': {
        let areaId = '';
        if (values.area) {
          const area = [...catalog.districts, ...catalog.communes].find((unit) => unit.code === values.area);
          if (!area) throw new CliError(`Area code ${values.area} is not a district or commune of ${catalog.province.name}`);
          areaId = String(area.id);
        }
        const password = await readPassword();
        const input = parseForm(newUserSchema, { email: values.email ?? '', name: values.name ?? '', role: values.role ?? '', areaId, password });
        const result = input.ok ? await users.createUser(actor, input.value, '') : input;
        if (!result.ok) throw new CliError(explain(result.errors));
        return `Created account ${values.email} (${values.role}), id ${result.value.id}`;
      }
      case 'disable':
      case 'enable': {
        const user = find(rest[0]);
        users.setDisabled(actor, user.id, command === 'disable');
        return `${command === 'disable' ? 'Disabled' : 'Enabled'} ${user.email}`;
      }
      case 'set-role': {
        const user = find(rest[0]);
        const input = parseForm(userUpdateSchema, { name: user.name, role: rest[1] ?? '', areaId: user.areaId === null ? '' : String(user.areaId), version: String(user.version) });
        const result = input.ok ? users.updateUser(actor, user.id, input.value) : input;
        if (!result.ok) throw new CliError(explain(result.errors));
        return `${user.email} is now ${rest[1]}`;
      }
      case 'reset-password': {
        const user = find(rest[0]);
        const input = parseForm(passwordResetSchema, { password: await readPassword() });
        const result = input.ok ? await users.resetPassword(actor, user.id, input.value) : input;
        if (!result.ok) throw new CliError(explain(result.errors));
        return `Password reset for ${user.email}; their sessions have ended`;
      }
      default:
        throw new CliError(usage);
    }
  } catch (error) {
    if (isRuleError(error)) throw new CliError(t(error.userMessage.key, error.userMessage.params));
    throw error;
  } finally {
    db.$client.close();
  }
}

async function backupCommand(group: 'backup' | 'restore', file: string | undefined, config: ReturnType<typeof loadConfig>): Promise<string> {
  if (!file) throw new CliError(usage);
  try {
    if (group === 'restore') {
      const pidFile = path.join(config.DATA_DIR, 'server.pid');
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, 'utf8'));
        let running = false;
        try {
          process.kill(pid, 0);
          running = true;
        } catch {
          running = false;
        }
        if (running) throw new CliError(`The server is running (process ${pid}); stop it before restoring.`);
      }
      await restoreBackup(config.DATA_DIR, file);
      return `Restored ${file} into ${config.DATA_DIR}`;
    }
    const db = openDatabase(config.databaseFile);
    try {
      runMigrations(db);
      const { bytes } = await createBackup(db, config.DATA_DIR, file);
      return `Backup written to ${file} (${Math.round(bytes / 1024)} KB)`;
    } finally {
      db.$client.close();
    }
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

async function snapshotCommand(values: { out?: string; area?: string; format?: string; from?: string; to?: string }, config: ReturnType<typeof loadConfig>): Promise<string> {
  if (!values.out) throw new CliError(usage);
  const format = values.format ?? 'sqlite';
  if (format !== 'sqlite' && format !== 'csv') throw new CliError('--format must be sqlite or csv');
  const readDate = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const date = parseDateInput(value);
    if (!date) throw new CliError(`--${name} ${value} is not a date (dd/mm/yyyy or YYYY-MM-DD)`);
    return date;
  };
  const from = readDate(values.from, 'from');
  const to = readDate(values.to, 'to');
  const db = openDatabase(config.databaseFile);
  try {
    runMigrations(db);
    seedAdministrativeUnits(db, { info: () => undefined });
    const catalog = buildAreaCatalog(db, config.PROVINCE_CODE);
    let scope = WHOLE_PROVINCE;
    if (values.area) {
      const area = [...catalog.districts, ...catalog.communes].find((unit) => unit.code === values.area);
      if (!area) throw new CliError(`Area code ${values.area} is not a district or commune of ${catalog.province.name}`);
      scope = scopeOfArea(area.id, catalog);
    }
    const out = path.resolve(values.out);
    const { tables } = await writeSnapshot(db, { out, format, scope, from, to, workDir: config.DATA_DIR });
    const rows = tables.reduce((sum, table) => sum + table.rows, 0);
    return `Snapshot written to ${out} (${format}, ${tables.length} tables, ${rows} rows${values.area ? `, area ${values.area}` : ''}${from || to ? `, ${from ?? '…'} to ${to ?? '…'}` : ''})`;
  } catch (error) {
    if (error instanceof SnapshotError) throw new CliError(error.message);
    throw error;
  } finally {
    db.$client.close();
  }
}

main(process.argv.slice(2)).then(
  (message) => {
    console.log(message);
  },
  (error: unknown) => {
    console.error(error instanceof CliError ? error.message : error);
    process.exitCode = error instanceof CliError ? 2 : 1;
  },
);
