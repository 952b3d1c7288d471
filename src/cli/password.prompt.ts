import { ValidationError } from '../shared/errors.ts';

/**
 * Reading a password on the command line: from the terminal without echo (typed twice when `confirm`), or
 * the whole of stdin (`--password-stdin`, one trailing newline removed). Never echoed, never logged.
 */

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    function onData(chunk: string) {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          cleanup();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new ValidationError('Отменено / cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    }
    stdin.on('data', onData);
  });
}

export async function readPassword(options: { fromStdin: boolean; confirm: boolean }): Promise<string> {
  if (options.fromStdin) return readAllStdin();
  if (!process.stdin.isTTY) {
    throw new ValidationError(
      'Нет терминала для ввода пароля: используйте --password-stdin / no terminal to type the password: use --password-stdin',
    );
  }
  const first = await promptHidden('Пароль / password: ');
  if (options.confirm) {
    const second = await promptHidden('Ещё раз / again: ');
    if (first !== second) throw new ValidationError('Пароли не совпадают / the passwords differ');
  }
  return first;
}
