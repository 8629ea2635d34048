import type { FileHandle } from 'node:fs/promises';

/** A `writeData` for the atomic-write helper that writes `bytes` bytes, then fails as a full disk does. */
export function diskFullAfter(bytes: number) {
  return async (fh: FileHandle, data: string): Promise<void> => {
    await fh.write(Buffer.from(data).subarray(0, bytes));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
  };
}
