import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../main/commands/command.ts';
import { demoClusters, withFleetKubeconfig } from '../../../main/commands/web-command.ts';
import { kubeconfigPaths } from '../../../main/core/kubeconfig-contexts.ts';

describe('switchyard web --clusters', () => {
  it('keeps the single demo mesh by default and with --clusters 1', () => {
    expect(demoClusters(undefined, true)).toBe(1);
    expect(demoClusters(undefined, false)).toBe(1);
    expect(demoClusters('1', true)).toBe(1);
  });

  it('runs the demo fleet for 2 to 12 clusters with --demo', () => {
    expect(demoClusters('3', true)).toBe(3);
    expect(demoClusters('12', true)).toBe(12);
  });

  it('refuses a count that is not a whole number from 1 to 12, saying so', () => {
    for (const bad of ['0', '13', '2.5', 'three', '', '-1']) {
      expect(() => demoClusters(bad, true)).toThrow(UsageError);
      expect(() => demoClusters(bad, true)).toThrow(/--clusters must be a whole number from 1 to 12/);
    }
  });

  it('refuses a fleet without --demo (it runs demo clusters only)', () => {
    expect(() => demoClusters('3', false)).toThrow(/give --demo too/);
  });
});

describe('switchyard web --kubeconfig', () => {
  it('is refused without a demo fleet, before anything starts', async () => {
    const { webCommand } = await import('../../../main/commands/web-command.ts');
    const io = {
      stdout: () => {},
      stderr: () => {},
      cwd: '/',
      env: {},
      stopSignal: new Promise<string>(() => {}),
    };
    await expect(webCommand.run(['--kubeconfig', '/tmp/fleet.yaml'], io)).rejects.toThrow(
      /--kubeconfig writes the demo fleet's kubeconfig: give --demo --clusters N too/,
    );
    await expect(webCommand.run(['--clusters', '3'], io)).rejects.toThrow(/give --demo too/);
  });
});

describe('the demo fleet beside the operator’s kubeconfig', () => {
  it('lists the fleet first and keeps ~/.kube/config when KUBECONFIG is unset', () => {
    const env = { HOME: '/home/op', OTHER: 'kept' };
    const out = withFleetKubeconfig(env, '/tmp/fleet/kubeconfig', kubeconfigPaths(env, '/home/op'), ':');
    expect(out).toEqual({
      HOME: '/home/op',
      OTHER: 'kept',
      KUBECONFIG: '/tmp/fleet/kubeconfig:/home/op/.kube/config',
    });
  });

  it('keeps every file of a KUBECONFIG list, in order, after the fleet', () => {
    const env = { KUBECONFIG: '/a/one:/b/two' };
    expect(withFleetKubeconfig(env, '/f', kubeconfigPaths(env, '/home/op'), ':').KUBECONFIG).toBe(
      '/f:/a/one:/b/two',
    );
  });
});
