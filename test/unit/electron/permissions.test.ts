import { describe, expect, it } from 'vitest';
import { denyAllPermissions, type PermissionSession } from '../../../main/electron/permissions.ts';

describe('permissions', () => {
  it('installs request, check and device handlers that all deny', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as unknown as PermissionSession;
    const refused: string[] = [];
    denyAllPermissions(session, (p) => refused.push(p));

    expect(Object.keys(handlers).sort()).toEqual(['check', 'device', 'request']);
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      (handlers.request as (wc: unknown, p: string, cb: (ok: boolean) => void) => void)(
        {},
        permission,
        (ok) => answers.push(ok),
      );
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(refused).toEqual(['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']);
    expect(
      (handlers.check as (...a: unknown[]) => boolean)({}, 'clipboard-sanitized-write', 'app://switchyard'),
    ).toBe(false);
    expect(
      (handlers.device as (...a: unknown[]) => boolean)({ deviceType: 'usb', origin: 'app://switchyard' }),
    ).toBe(false);
  });
});
