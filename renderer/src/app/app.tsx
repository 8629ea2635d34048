import { useEffect } from 'react';
import { ContextList } from '../features/clusters/context-list.tsx';
import type { ClustersStore } from '../stores/clusters-store.ts';

export function App({ clusters }: { clusters: ClustersStore }) {
  const appInfo = clusters((s) => s.appInfo);
  const connection = clusters((s) => s.connection);
  const connectionReason = clusters((s) => s.connectionReason);
  const error = clusters((s) => s.error);

  useEffect(() => {
    void clusters.getState().load();
  }, [clusters]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>Switchyard</h1>
        <span className="subtitle">Grayscale releases for your service mesh</span>
      </header>
      {connection === 'closed' && (
        <div role="alert" className="banner banner-error">
          Lost the connection to Switchyard: {connectionReason}. Restart `switchyard web` and reload.
        </div>
      )}
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}
        </div>
      )}
      <main>
        <ContextList store={clusters} />
      </main>
      <footer className="statusbar">
        {appInfo ? `Switchyard ${appInfo.version} · ${appInfo.mode} mode · Node ${appInfo.node}` : '…'}
      </footer>
    </div>
  );
}
