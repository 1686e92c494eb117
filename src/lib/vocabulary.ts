import fs from 'node:fs';
import { projectPath } from './project-root.js';
import type { Language } from '../i18n/index.js';

export interface VocabularyEntry {
  code: string;
  vi: string;
  en: string;
}

type VocabularyFile = Record<string, VocabularyEntry[] | string>;

const file = projectPath('db/reference/vocabulary.json');
const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as VocabularyFile;

export type VocabularyName =
  | 'venue_kinds'
  | 'agencies'
  | 'team_roles'
  | 'round_kinds'
  | 'round_purposes'
  | 'campaign_kinds'
  | 'outreach_formats'
  | 'outreach_channels'
  | 'outreach_activity_channels'
  | 'outreach_topics'
  | 'target_groups'
  | 'follow_up_actions'
  | 'victim_return_routes'
  | 'victim_support_kinds'
  | 'severities'
  | 'monitoring_situations'
  | 'prevention_model_kinds';

/** The reference lists of vocabulary.json: stable codes with Vietnamese and English labels. */
export function vocabulary(name: VocabularyName): VocabularyEntry[] {
  const list = raw[name];
  if (!Array.isArray(list)) throw new Error(`vocabulary.json has no list ${name}`);
  return list;
}

export function vocabularyCodes(name: VocabularyName): string[] {
  return vocabulary(name).map((entry) => entry.code);
}

/** The label of a code in the user's language; the code itself when the list does not know it. */
export function vocabularyLabel(name: VocabularyName, code: string, lang: Language): string {
  const entry = vocabulary(name).find((item) => item.code === code);
  return entry ? entry[lang] : code;
}

/** A measure of an outreach channel: sessions, commitments, or what a media channel produced (items, minutes, …). */
export interface ChannelMeasure extends VocabularyEntry {
  unit: string;
}

/** A channel of an outreach activity: an in-person format or a media channel, with the measures it counts. */
export interface OutreachChannel extends VocabularyEntry {
  kind: 'in_person' | 'media';
  /** In person only: whether its sessions count as "buổi tuyên truyền" (signing commitments does not). */
  counts_as_session?: boolean;
  measures: ChannelMeasure[];
}

/** The channels an outreach activity may have, in-person formats first, then media. */
export function outreachChannels(): OutreachChannel[] {
  return vocabulary('outreach_activity_channels') as OutreachChannel[];
}
