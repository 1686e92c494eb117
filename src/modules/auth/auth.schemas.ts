import { z } from 'zod';

/** The sign-in form as typed. */
export const loginFormSchema = z.object({
  email: z.string().max(1000).catch(''),
  password: z.string().max(1000).catch(''),
  next: z.string().max(2000).catch(''),
  remember: z.literal('1').optional().catch(undefined),
});
export type LoginForm = z.infer<typeof loginFormSchema>;

/** /login?next=: the local page to return to after signing in. */
export const loginQuerySchema = z.object({ next: z.string().max(2000).optional().catch(undefined) });
export type LoginQuery = z.infer<typeof loginQuerySchema>;

/** /setup?token=: the first-run token printed in the log. */
export const setupQuerySchema = z.object({ token: z.string().max(200).optional().catch(undefined) });
export type SetupQuery = z.infer<typeof setupQuerySchema>;
