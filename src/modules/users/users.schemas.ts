import { z } from 'zod';
import { roles } from '../../../db/schema/index.js';
import { asText } from '../../lib/forms.js';
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

export interface UserFormValues {
  email: string;
  name: string;
  role: string;
  areaId: string;
  password: string;
  version: string;
  submissionKey: string;
}

export function readUserForm(body: unknown): UserFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    email: asText(form.email),
    name: asText(form.name),
    role: asText(form.role),
    areaId: asText(form.areaId),
    password: asText(form.password),
    version: asText(form.version),
    submissionKey: asText(form.submissionKey),
  };
}

export const newUserSchema = z.object({ email: emailField, name: nameField, role: roleField, areaId: areaField, password: passwordField });
export type NewUserInput = z.infer<typeof newUserSchema>;

export const userUpdateSchema = z.object({ name: nameField, role: roleField, areaId: areaField });
export type UserUpdateInput = z.infer<typeof userUpdateSchema>;

export const passwordResetSchema = z.object({ password: passwordField });

export const ownPasswordSchema = z
  .object({ currentPassword: z.string().min(1, 'errors.currentPassword.required').max(200), password: passwordField, passwordConfirm: z.string() })
  .refine((value) => value.password === value.passwordConfirm, { path: ['passwordConfirm'], message: 'errors.password.mismatch' });

export const userListQuerySchema = z.object({
  q: z.string().max(200).catch('').default(''),
  role: roleField.optional().catch(undefined),
  status: z.enum(['active', 'disabled']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;

export const userIdParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });
