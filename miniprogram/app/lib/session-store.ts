/**
 * The signed-in session, kept in the mini-program's local storage so that a restart stays signed in.
 * Only tokens and the profile the API returned at login are kept; nothing else is cached.
 */
const storageKey = 'shenfa.session';

export interface StoredSession<TProfile> {
  accessToken: string;
  refreshToken: string;
  profile: TProfile;
}

export class SessionStore<TProfile> {
  read(): StoredSession<TProfile> | null {
    const stored: unknown = wx.getStorageSync(storageKey);
    if (!stored || typeof stored !== 'object') return null;
    const session = stored as StoredSession<TProfile>;
    return typeof session.accessToken === 'string' && typeof session.refreshToken === 'string' ? session : null;
  }

  write(session: StoredSession<TProfile>): void {
    wx.setStorageSync(storageKey, session);
  }

  /** Replaces the rotated tokens, and the profile when the refresh answer carries one. */
  replaceTokens(tokens: { accessToken: string; refreshToken: string }, profile?: unknown): void {
    const current = this.read();
    if (current) this.write({ ...current, ...tokens, profile: (profile as TProfile | undefined) ?? current.profile });
  }

  clear(): void {
    wx.removeStorageSync(storageKey);
  }
}
