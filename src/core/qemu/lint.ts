import type { Finding } from '../findings';

/** Lint of the QEMU network arguments in a shell launch script (filled in by the launch-script feature). */
export async function lintLaunchScript(_text: string): Promise<Finding[]> {
  return [];
}
