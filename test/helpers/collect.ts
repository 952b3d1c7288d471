import type { Kysely } from 'kysely';
import { seedDemo } from '../../src/collect/demo.service.ts';
import { type Config, parseConfig } from '../../src/config/config.ts';
import { type Emulator, startEmulator } from '../../src/emulator/emulator.server.ts';
import type { DB } from '../../src/store/schema.ts';

/** An emulator on loopback plus a product config pointing at it, and the world loaded into the register. */
export async function emulatedWorld(
  db: Kysely<DB>,
  options: { channels: number; seed?: number; token?: string; rate?: number },
): Promise<{ emulator: Emulator; config: Config; token: string }> {
  const token = options.token ?? `test-token-${Math.random().toString(36).slice(2)}-0000`;
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    seed: options.seed ?? 11,
    channels: options.channels,
    tokens: [token],
    rateLimit: options.rate ?? 30,
    pageRateLimit: 1000,
  });
  const base = parseConfig({});
  const config: Config = {
    ...base,
    max: {
      ...base.max,
      apiUrl: emulator.url,
      publicPageUrl: emulator.url,
      tokens: [token],
      requestsPerSecond: options.rate ?? 30,
      pageRequestsPerSecond: 50,
      timeoutMs: 400,
      retries: 6,
    },
  };
  await seedDemo(db, emulator.world, { historyDays: 0 });
  return { emulator, config, token };
}

/** Index of a register channel in the emulated world (by nickname). */
export function worldIndex(emulator: Emulator, nickname: string): number {
  const index = emulator.world.indexOfNickname(nickname);
  if (index === undefined) throw new Error(`${nickname} is not in the world`);
  return index;
}
