/**
 * Login from the mini-program (/api/v1/auth/*). `wx.login` gives a code; the API exchanges it for the
 * openid. A bound openid gets an access token (short-lived) and a refresh token (rotated on every
 * refresh). An unbound openid is answered 403 with code MINI_PROGRAM_NOT_BOUND: the person sends
 * `小程序绑定` to the bot, receives a 6-digit code and posts it with a fresh `wx.login` code to /auth/bind.
 */
import { z } from 'zod';
import { roleSchema } from './common';

const wxLoginCode = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w-]+$/, { error: 'wx.login 返回的 code 格式不正确' });

export const wechatLoginRequestSchema = z.strictObject({ code: wxLoginCode }).meta({ id: 'WechatLoginRequest' });
export type WechatLoginRequest = z.infer<typeof wechatLoginRequestSchema>;

export const bindRequestSchema = z
  .strictObject({
    code: wxLoginCode,
    /** The 6 digits the bot sent in answer to `小程序绑定`. */
    bindCode: z.string().regex(/^\d{6}$/, { error: '绑定码应为 6 位数字' }),
  })
  .meta({ id: 'MiniProgramBindRequest' });
export type MiniProgramBindRequest = z.infer<typeof bindRequestSchema>;

const refreshToken = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[\w.-]+$/, { error: '刷新令牌格式不正确' });

export const refreshRequestSchema = z.strictObject({ refreshToken }).meta({ id: 'RefreshRequest' });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const logoutRequestSchema = z.strictObject({ refreshToken }).meta({ id: 'LogoutRequest' });
export type LogoutRequest = z.infer<typeof logoutRequestSchema>;

export const sessionPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    title: z.string(),
    roles: z.array(roleSchema),
  })
  .meta({ id: 'SessionPerson' });
export type SessionPerson = z.infer<typeof sessionPersonSchema>;

export const loginResponseSchema = z
  .object({
    accessToken: z.string(),
    accessTokenExpiresAt: z.string(),
    /** Use once: /auth/refresh answers with a new one; a reused one ends every session of the login. */
    refreshToken: z.string(),
    refreshTokenExpiresAt: z.string(),
    person: sessionPersonSchema,
  })
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** GET /api/v1/me: who is signed in and what they may see. */
export const meResponseSchema = z
  .object({
    person: sessionPersonSchema,
    /** Units an admin looks after (each with everything below it); [] for non-admins. */
    adminUnitIds: z.array(z.string()),
  })
  .meta({ id: 'MeResponse' });
export type MeResponse = z.infer<typeof meResponseSchema>;
