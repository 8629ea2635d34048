import type { ApiHandlers } from '../api-dispatch.ts';
import type { MetricsService } from '../metrics/metrics-service.ts';

export type MetricsCalls = Pick<
  ApiHandlers,
  | 'metrics.subscribe'
  | 'metrics.unsubscribe'
  | 'metrics.visibility'
  | 'metrics.settings.get'
  | 'metrics.settings.set'
>;

/** metrics.*: live per-version metrics per page and the Prometheus settings, over the metrics service. */
export function metricsHandlers(m: MetricsService): MetricsCalls {
  return {
    'metrics.subscribe': (req, caller) => m.subscribe(req, caller),
    'metrics.unsubscribe': (req, caller) => m.unsubscribe(req, caller),
    'metrics.visibility': (req, caller) => m.setVisibility(req, caller),
    'metrics.settings.get': (req, caller) => m.getSettings(req, caller),
    'metrics.settings.set': (req, caller) => m.setSettings(req, caller),
  };
}
