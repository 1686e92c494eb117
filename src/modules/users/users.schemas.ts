import { z } from 'zod';
import { roles } from '../../../db/schema/index.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { MIN_PASSWORD_LENGTH } from '../../access/passwords.js';

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'errors.email.required')
  .max(200, 'errors.email.invalid')
  .pipe(z.email('errors.email.invalid'));

export const passwordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, 'errors.password.tooShort')
  .max(200, 'errors.password.tooLong');

const nameField = z.string().transform(cleanText).pipe(z.string().min(1, 'errors.name.required').max(120, 'errors.name.tooLong'));
const roleField = z.enum(roles, 'errors.role.invalid');
/** '' = the whole province; otherwise an area id, checked against the province's units by the service. */
const areaField = z
  .string()
  .trim()
  .refine((value) => value === '' || /^\d{1,9}$/.test(value), 'errors.userArea.invalid')
  .transform((value) => (value === '' ? null : Number(value)));

/** The account form exactly as typed (shown again, without the password, when it is refused). */
export const userFormSchema = z.object({
  email: formText,
  name: formText,
  role: formText,
  areaId: formText,
  password: formText,
  version: formText,
  submissionKey: formText,
});
export type UserFormValues = z.infer<typeof userFormSchema>;

/** The first administrator's form on /setup: the account, the password typed twice, and the setup token. */
export const setupFormSchema = userFormSchema.extend({ passwordConfirm: formText, token: formText });
export type SetupFormValues = z.infer<typeof setupFormSchema>;

export const newUserSchema = z.object({ email: emailField, name: nameField, role: roleField, areaId: areaField, password: passwordField });
export type NewUserInput = z.infer<typeof newUserSchema>;

/** An account's changes; a version that does not read is a stale one (the service answers 409). */
export const userUpdateSchema = z.object({ name: nameField, role: roleField, areaId: areaField, version: z.string().transform(Number) });
export type UserUpdateInput = z.infer<typeof userUpdateSchema>;

/** An admin's password reset: the new password as typed, then checked. */
export const passwordResetFormSchema = z.object({ password: formText });
export const passwordResetSchema = z.object({ password: passwordField });
export type PasswordResetInput = z.infer<typeof passwordResetSchema>;

/** The disabled state's form: enable=1 re-enables the account, anything else disables it. */
export const disabledFormSchema = z.object({ enable: formText.transform((value) => value === '1') });

/** A person's own password change, as typed. */
export const ownPasswordFormSchema = z.object({
  currentPassword: z.string().max(1000).catch(''),
  password: z.string().max(1000).catch(''),
  passwordConfirm: z.string().max(1000).catch(''),
});
export type OwnPasswordFormValues = z.infer<typeof ownPasswordFormSchema>;

export const ownPasswordSchema = z
  .object({ currentPassword: z.string().min(1, 'errors.currentPassword.required').max(200), password: passwordField, passwordConfirm: z.string() })
  .refine((value) => value.password === value.passwordConfirm, { path: ['passwordConfirm'], message: 'errors.password.mismatch' });

export type OwnPasswordInput = z.infer<typeof ownPasswordSchema>;

/** Ending sessions on the profile page: one session (its id as listed), or every other one. */
export const endSessionsFormSchema = z.object({
  session: z.string().regex(/^[0-9a-f]{64}$/).optional().catch(undefined),
  others: z.literal('1').optional().catch(undefined),
});

export const userListQuerySchema = z.object({
  q: z.string().max(200).catch('').default(''),
  role: roleField.optional().catch(undefined),
  status: z.enum(['active', 'disabled']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;
