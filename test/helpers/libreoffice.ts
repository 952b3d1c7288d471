import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { testEnv } from '../../src/config/config.ts';

/**
 * LibreOffice (Debian's `libreoffice-calc-nogui`, installed by .ci/run) as the people who get our files use
 * it: it opens a file and saves it again as XLSX or CSV, headless. Tests that need it are skipped when it is
 * not installed, except under CI, where its absence is an error (like PostgreSQL's).
 */

export const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p)) ?? null;
if (testEnv('CI') === 'true' && !SOFFICE) {
  throw new Error(
    'CI=true but LibreOffice (soffice) is not installed: the LibreOffice tests would be skipped',
  );
}

/**
 * CSV filter options (LibreOffice «FilterOptions»): separator, text delimiter ", character set, start row 1,
 * cell formats, language, quoted as text, detect numbers, save as shown, formulas, remove spaces, sheet
 * (-1 = every sheet, each to `<name>-<sheet>.csv`).
 */
function csvFilter(separator: ';' | ',', charset: 'utf-8' | 'windows-1251', asShown: boolean): string {
  // rtl_TextEncoding numbers: 76 = UTF-8, 34 = Windows-1251.
  const code = charset === 'utf-8' ? 76 : 34;
  return `csv:Text - txt - csv (StarCalc):${separator.charCodeAt(0)},34,${code},1,,1049,false,true,${asShown},false,false,-1`;
}

export type LibreOfficeTarget =
  | { kind: 'xlsx' }
  | { kind: 'csv'; separator: ';' | ','; charset: 'utf-8' | 'windows-1251'; asShown?: boolean };

/**
 * Opens `file` in LibreOffice and saves it as `target`; returns the files written (one per sheet for CSV),
 * by name. A fresh user profile each time, so runs never share LibreOffice's lock.
 */
export async function saveWithLibreOffice(
  file: string,
  target: LibreOfficeTarget,
): Promise<Map<string, Buffer>> {
  if (!SOFFICE) throw new Error('LibreOffice is not installed');
  const work = mkdtempSync(join(tmpdir(), 'ohvat-soffice-'));
  const out = join(work, 'out');
  const filter =
    target.kind === 'xlsx'
      ? 'xlsx:Calc MS Excel 2007 XML'
      : csvFilter(target.separator, target.charset, target.asShown ?? false);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        SOFFICE!,
        [
          `-env:UserInstallation=file://${join(work, 'profile')}`,
          '--headless',
          '--norestore',
          '--convert-to',
          filter,
          '--outdir',
          out,
          file,
        ],
        { timeout: 120_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`soffice failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(),
      );
    });
    const stem = basename(file, extname(file));
    const files = new Map<string, Buffer>();
    for (const name of existsSync(out) ? readdirSync(out) : []) {
      if (name.startsWith(stem)) files.set(name, readFileSync(join(out, name)));
    }
    if (files.size === 0) throw new Error(`soffice wrote nothing for ${file}`);
    return files;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
