import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { DemoVersion } from './demo-apps.ts';

export const ISTIO_API_VERSION = 'networking.istio.io/v1';
export function namespaceObject(name: string, injected: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...(injected ? { 'istio-injection': 'enabled' } : {}) },
    },
    spec: { finalizers: ['kubernetes'] },
  };
}

export function deploymentObject(
  namespace: string,
  app: string,
  v: Pick<DemoVersion, 'version' | 'image' | 'replicas'>,
  port: number,
): KubeObject {
  const labels = { app, version: v.version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${app}-${v.version}`, namespace, labels },
    spec: {
      replicas: v.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { ...labels }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          serviceAccountName: `${namespace}-${app}`,
          containers: [
            {
              name: app,
              image: v.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: port, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

export function serviceObject(namespace: string, app: string, port: number, clusterIP: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace, labels: { app, service: app } },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      selector: { app },
      ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
    },
  };
}

export function destinationRuleObject(namespace: string, app: string, versions: string[]): KubeObject {
  return {
    apiVersion: ISTIO_API_VERSION,
    kind: 'DestinationRule',
    metadata: { name: app, namespace },
    spec: {
      host: app,
      trafficPolicy: {
        connectionPool: { http: { http1MaxPendingRequests: 1024, maxRequestsPerConnection: 100 } },
      },
      subsets: versions.map((version) => ({ name: version, labels: { version } })),
    },
  };
}
