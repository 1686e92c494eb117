/** The backups feature's public face: other folders import it through this file only. */
export { BackupError, createBackup, dailyBackup, restoreBackup, verifyBackup } from './backups.service.js';
export { default as backupsSchedule } from './backups.schedule.js';
