import { expect, it } from 'vitest';
import { chatSchema, messageSchema } from '../src/collect/max/max-api.schemas.ts';

it('drops NUL characters from the texts MAX sends, which PostgreSQL could not store', () => {
  const chat = chatSchema.parse({
    chat_id: -70_000_000_000_001,
    title: 'Правительство\u0000 области',
    description: '\u0000',
    link: 'https://max.ru/gov\u0000',
  });
  expect(chat).toMatchObject({ title: 'Правительство области', description: '', link: 'https://max.ru/gov' });
  const message = messageSchema.parse({
    timestamp: 1,
    body: { mid: 'm', text: 'a\u0000b' },
    url: 'https://max.ru/gov/1\u0000',
  });
  expect(message.body.text).toBe('ab');
  expect(message.url).toBe('https://max.ru/gov/1');
});
