// Every permission a page can ask for (camera, notifications, clipboard, HID, USB, serial, …) is
// refused: the console needs none. Takes only the session members it sets, for the unit test.
import type { Session } from 'electron';

export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

export function denyAllPermissions(session: PermissionSession, refused?: (permission: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    refused?.(permission);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
