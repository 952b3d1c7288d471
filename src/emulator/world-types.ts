import type { Category, Level, PageClass } from '../register/categories.ts';
import type { ReferenceRegion } from '../store/reference-regions.ts';
import type { Anomaly, ChannelParams } from './world-activity.ts';
import type { Municipality } from './world-places.ts';

/** Types of the emulated world (see world.ts). */

export interface WorldOptions {
  seed: number;
  channels: number;
  /** Start of the simulated history (epoch ms or ISO date); default 2025-10-01. */
  historyStart?: number | string;
  /** Channels are created during this many days after `historyStart` (default 92: October–December). */
  creationDays?: number;
  /** Anomalies and removals happen before `historyStart + historyDays` (default 450). */
  historyDays?: number;
}

export interface ChannelInfo {
  index: number;
  chatId: number;
  nickname: string;
  url: string;
  title: string;
  category: Category;
  level: Level;
  pageClass: PageClass;
  region: ReferenceRegion;
  municipality: Municipality;
  params: ChannelParams;
  /** Optional API fields present for this channel (fields come and go in the real API). */
  hasDescription: boolean;
  /** The channel's description (when it has one): a line about the channel, often with contacts. */
  description: string | null;
  hasIcon: boolean;
  ownerId: number;
}

export interface WorldPost {
  channel: number;
  day: number;
  /** Rank of the post within its day. */
  k: number;
  mid: string;
  /** 1-based ordinal of the post in its channel. */
  seq: number;
  publishedAt: number;
  isRepost: boolean;
  text: string;
}

export interface AnomalyTruth extends Anomaly {
  index: number;
  chatId: number;
  nickname: string;
}

/** What the demo loads into its register for a world channel. */
export interface RegisterRow {
  platform: 'max';
  nickname: string;
  chat_id: string;
  url: string;
  title: string;
  category: Category;
  level: Level;
  region_code: string;
  municipality: string;
  page_class: PageClass;
}
