import { describe, expect, it } from 'vitest';
import { demoRequestsPerSecondFromEnv, demoServicesFromEnv } from '../../../main/demo/embedded-demo.ts';

describe('the embedded demo mesh settings from the environment', () => {
  it('reads the number of generated services, 0 when unset', () => {
    expect(demoServicesFromEnv({})).toBe(0);
    expect(demoServicesFromEnv({ SWITCHYARD_DEMO_SERVICES: '' })).toBe(0);
    expect(demoServicesFromEnv({ SWITCHYARD_DEMO_SERVICES: '5000' })).toBe(5000);
  });

  it('refuses a service count that is not a whole number from 0 to 100000, naming the value', () => {
    for (const bad of ['-1', '2.5', 'many', '100001'])
      expect(() => demoServicesFromEnv({ SWITCHYARD_DEMO_SERVICES: bad })).toThrow(`not '${bad}'`);
  });

  it("reads the visitor rate, leaving the demo's default when unset", () => {
    expect(demoRequestsPerSecondFromEnv({})).toBeUndefined();
    expect(demoRequestsPerSecondFromEnv({ SWITCHYARD_DEMO_RPS: '' })).toBeUndefined();
    expect(demoRequestsPerSecondFromEnv({ SWITCHYARD_DEMO_RPS: '100' })).toBe(100);
    expect(demoRequestsPerSecondFromEnv({ SWITCHYARD_DEMO_RPS: '0.5' })).toBe(0.5);
  });

  it('refuses a visitor rate that is not a number from 0 to 1000, naming the value', () => {
    for (const bad of ['-1', 'fast', '1001', 'Infinity'])
      expect(() => demoRequestsPerSecondFromEnv({ SWITCHYARD_DEMO_RPS: bad })).toThrow(
        `SWITCHYARD_DEMO_RPS must be a number of requests per second from 0 to 1000, not '${bad}'`,
      );
  });
});
