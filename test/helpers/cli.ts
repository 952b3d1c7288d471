import { execFile } from 'node:child_process';

/** `ohvat` as a person runs it: a child process of bin/ohvat.js, output and exit code captured. */

export const OHVAT_BIN = new URL('../../bin/ohvat.js', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ohvat ARGS` on the database at `databaseUrl` (logs silenced), with `stdin` as its input. */
export function runOhvat(args: string[], databaseUrl: string, stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [OHVAT_BIN, ...args],
      {
        env: { ...process.env, OHVAT_DATABASE_URL: databaseUrl, OHVAT_LOG_LEVEL: 'silent' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** `ohvat ARGS` on a SQLite database file. */
export function runOhvatOnSqlite(args: string[], databaseFile: string): Promise<CliRun> {
  return runOhvat(args, `sqlite:${databaseFile}`);
}
