/**
 * Basic authentication's checks: bcrypt is slow on purpose, so at most a few wait at once (a flood of wrong
 * passwords cannot queue work without bound), and a header let in is remembered.
 */
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuth } from '../../src/io/webConfig.js';

const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('basic authentication', () => {
  it('refuses at once a check past the ones waiting, even a right one, and lets it in once they are done', async () => {
    const auth = new BasicAuth(new Map([['prometheus', bcrypt.hashSync('s3cret', 8)]]));
    const wrong = Array.from({ length: 4 }, (_, i) => auth.allows(header('prometheus', `guess-${i}`)));
    // Four checks wait: the fifth is refused without one, right or not.
    expect(await auth.allows(header('prometheus', 's3cret'))).toBe(false);
    expect(await Promise.all(wrong)).toEqual([false, false, false, false]);
    expect(await auth.allows(header('prometheus', 's3cret'))).toBe(true);
    // Remembered: let in while others wait.
    const more = Array.from({ length: 4 }, (_, i) => auth.allows(header('prometheus', `guess-${i}`)));
    expect(await auth.allows(header('prometheus', 's3cret'))).toBe(true);
    await Promise.all(more);
  });

  it('refuses an unknown user, a header that is not user:password, and none', async () => {
    const auth = new BasicAuth(new Map([['prometheus', bcrypt.hashSync('s3cret', 4)]]));
    expect(await auth.allows(header('someone', 's3cret'))).toBe(false);
    expect(await auth.allows('Basic not-base64-at-all')).toBe(false);
    expect(await auth.allows(undefined)).toBe(false);
  });
});
