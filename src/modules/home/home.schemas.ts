import { z } from 'zod';
import { languages } from '../../i18n/index.js';

/** The language switch: a language the app speaks and the page to go back to (anything else is a broken request, 400). */
export const languageFormSchema = z.object({ lang: z.enum(languages), returnTo: z.string().optional() });
export type LanguageForm = z.infer<typeof languageFormSchema>;
