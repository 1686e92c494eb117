import { en } from './en.js';
import { vi, type MessageKey } from './vi.js';

export type { MessageKey };
export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];
export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

const catalogs: Record<Language, Record<MessageKey, string>> = { vi, en };

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en';
}

/** A message with its parameters, translated late (in the view) so services stay language-free. */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
}

export function translator(lang: Language): Translate {
  const catalog = catalogs[lang];
  return (key, params) => {
    const template = catalog[key] ?? key;
    if (!params) return template;
    // A parameter that is itself a catalog key (a status, a kind) is translated too.
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in params)) return whole;
      const value = String(params[name]);
      return value in catalog ? catalog[value as MessageKey] : value;
    });
  };
}
