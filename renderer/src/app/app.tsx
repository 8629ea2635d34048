import { useEffect, useRef, useState } from 'react';
import { connectedContexts } from '../../../shared/fleet/index.ts';
import type { ApiClient } from '../api/api-client.ts';
import { UndoToast } from '../features/apply/undo-toast.tsx';
import { ClusterSwitcher } from '../features/clusters/cluster-switcher.tsx';
import { ContextList } from '../features/clusters/context-list.tsx';
import { NamespaceScope } from '../features/clusters/namespace-scope.tsx';
import { draftReleaseKey } from '../features/drafts/draft-keys.ts';
import { DraftsButton } from '../features/drafts/drafts-button.tsx';
import type { FleetService } from '../features/fleet/fleet-screen.tsx';
import { shortcutFor } from '../features/help/shortcuts.ts';
import { ServiceList } from '../features/services/service-list.tsx';
import { SessionBanner } from '../features/shell/session-banner.tsx';
import { PlanNoticeToast } from '../features/wizard/plan-notice.tsx';
import { ResumeBanner } from '../features/wizard/resume-banner.tsx';
import type { ApplyStore } from '../stores/apply-store.ts';
import type { ClustersStore } from '../stores/clusters-store.ts';
import { offlineSnapshotOf, placeOf } from '../stores/clusters-store.ts';
import type { DraftsStore } from '../stores/drafts-store.ts';
import type { ReleaseStore } from '../stores/release-store.ts';
import { desiredInput, editChanged, editKey } from '../stores/release-store.ts';
import type { ServicesStore } from '../stores/services-store.ts';
import { stepPlanStoreFor } from '../stores/step-plan-store.ts';
import type { WizardStore } from '../stores/wizard-store.ts';
import {
  DraftEditor,
  DraftsPanel,
  FleetScreen,
  HistoryPanel,
  preloadScreens,
  ReviewDialog,
  ScreenSlot,
  ServiceView,
  ShortcutsSheet,
} from './lazy-screens.tsx';
import { usePlaceInUrl } from './use-place-in-url.ts';

export interface AppStores {
  api: ApiClient;
  clusters: ClustersStore;
  services: ServicesStore;
  releases: ReleaseStore;
  apply: ApplyStore;
  wizard: WizardStore;
  drafts: DraftsStore;
}

export function App({ api, clusters, services, releases, apply, wizard, drafts }: AppStores) {
  const appInfo = clusters((s) => s.appInfo);
  const connection = clusters((s) => s.connection);
  const connectionReason = clusters((s) => s.connectionReason);
  const error = clusters((s) => s.error);
  const activeId = clusters((s) => s.activeContextId);
  const active = clusters((s) => s.contexts.find((c) => c.id === s.activeContextId));
  const releaseId = clusters((s) => placeOf(s, s.activeContextId).releaseId);
  const snapshotAt = clusters((s) => offlineSnapshotOf(s, s.activeContextId));
  const listedSnapshotAt = services((s) => (activeId ? s.byContext[activeId]?.snapshotAt : undefined));
  const draftsPanel = drafts((s) => s.panelOpen);
  const openDraftKey = drafts((s) => (s.open ? (draftReleaseKey(s.open.view) ?? '') : undefined));
  const [help, setHelp] = useState(false);
  const reviewing = apply((s) => s.review !== undefined);
  // The first screen painted once it lists a cluster: then the other screens load, when idle.
  const listed = clusters((s) => s.contexts.length > 0);
  // The Fleets screen, opened from the navigation or from a service ("Open in fleet").
  const [fleet, setFleet] = useState<{ service?: FleetService; opened: number } | null>(null);
  const allContexts = clusters((s) => s.contexts);
  const openFleet = (service?: FleetService) =>
    setFleet((f) => ({ ...(service ? { service } : {}), opened: (f?.opened ?? 0) + 1 }));
  const live = active?.status === 'connected' || active?.status === 'read-only';
  // Offline with a snapshot: main answers the services and their views from it, read-only.
  const mode = live ? 'live' : snapshotAt ? 'snapshot' : 'none';
  const usable = mode !== 'none';

  usePlaceInUrl(clusters);
  useEffect(() => {
    if (listed) preloadScreens();
  }, [listed]);
  // Picking a service or a cluster leaves the Fleets screen for it. The first cluster the app
  // opens at start is no pick: Fleets, opened from the first paint before it, stays open.
  const placedBefore = useRef(activeId !== undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on a new place only
  useEffect(() => {
    if (placedBefore.current) setFleet(null);
    placedBefore.current = activeId !== undefined;
  }, [activeId, releaseId]);
  useEffect(() => {
    void drafts.getState().load();
  }, [drafts]);

  // A session that comes back (or goes offline) lists its services afresh: from the cluster, or
  // from the snapshot; deltas may have been missed meanwhile.
  useEffect(() => {
    if (activeId && mode !== 'none') void services.getState().load(activeId);
  }, [activeId, mode, services]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (apply.getState().review) return;
      const action = shortcutFor(e);
      if (!action) return;
      e.preventDefault();
      if (action === 'help') setHelp(true);
      else if (action === 'search')
        document.querySelector<HTMLInputElement>('input[aria-label="Search services"]')?.focus();
      else if (action === 'cluster')
        document.querySelector<HTMLInputElement>('input[aria-label="Cluster"]')?.focus();
      else if (openDraftKey !== undefined) {
        // Draft mode: an even split edits the draft; reviewing goes through "Compare with cluster".
        if (action === 'even' && openDraftKey) releases.getState().even(openDraftKey);
      } else if (activeId && releaseId) {
        const key = editKey(activeId, releaseId);
        const d = releases.getState().edits[key];
        if (action === 'even') releases.getState().even(key);
        const panel = wizard.getState().panel;
        const workflowId =
          panel?.contextId === activeId && panel.releaseId === releaseId ? panel.id : undefined;
        if (action === 'review' && d && editChanged(d))
          void apply
            .getState()
            .plan(activeId, releaseId, desiredInput(d), 'Change from the keyboard', workflowId);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [activeId, releaseId, releases, apply, wizard, openDraftKey]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>Switchyard</h1>
        <span className="subtitle">Grayscale releases for your service mesh</span>
        <ClusterSwitcher store={clusters} />
        <nav aria-label="Screens">
          <button
            type="button"
            className="secondary"
            aria-pressed={fleet !== null}
            onClick={() => (fleet ? setFleet(null) : openFleet())}
          >
            Fleets
          </button>
        </nav>
        <DraftsButton drafts={drafts} />
        <button
          type="button"
          className="secondary"
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="?"
          onClick={() => setHelp(true)}
        >
          ?
        </button>
      </header>
      {connection === 'closed' && (
        <div role="alert" className="banner banner-error">
          Lost the connection to Switchyard: {connectionReason}. Restart `switchyard web` and reload.
        </div>
      )}
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}{' '}
          <button type="button" className="secondary" onClick={() => clusters.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      )}
      {active && (
        <SessionBanner
          context={active}
          snapshotAt={snapshotAt ? (listedSnapshotAt ?? snapshotAt) : undefined}
          onRetry={() => void clusters.getState().switchTo(active.id)}
        />
      )}
      {activeId && live && <ResumeBanner contextId={activeId} wizard={wizard} clusters={clusters} />}
      {draftsPanel && (
        <ScreenSlot>
          <DraftsPanel
            drafts={drafts}
            clusters={clusters}
            onApplyToFleet={(d) =>
              openFleet({
                namespace: d.namespace,
                host: d.host,
                draft: { id: d.id, name: d.name, summary: d.summary },
              })
            }
          />
        </ScreenSlot>
      )}
      <main className={activeId && usable ? 'workspace' : undefined}>
        {activeId && usable && <ServiceList contextId={activeId} clusters={clusters} services={services} />}
        {fleet ? (
          <ScreenSlot>
            <FleetScreen
              key={fleet.opened}
              api={api}
              contexts={allContexts}
              initialContexts={connectedContexts(allContexts)}
              service={fleet.service}
            />
          </ScreenSlot>
        ) : openDraftKey !== undefined ? (
          <ScreenSlot>
            <DraftEditor drafts={drafts} releases={releases} clusters={clusters} />
          </ScreenSlot>
        ) : activeId && usable && releaseId ? (
          <ScreenSlot>
            <ServiceView
              key={`${activeId}|${releaseId}|${mode}`}
              api={api}
              contextId={activeId}
              releaseId={releaseId}
              releases={releases}
              apply={apply}
              wizard={wizard}
              drafts={drafts}
              onOpenInFleet={openFleet}
            />
          </ScreenSlot>
        ) : (
          <div className="overview">
            <ContextList store={clusters} />
            {activeId && active && (
              <NamespaceScope
                key={activeId}
                api={api}
                contextId={activeId}
                contextName={active.name}
                sessionState={`${active.status}|${active.statusReason ?? ''}`}
                onChanged={() => void services.getState().load(activeId)}
              />
            )}
            {activeId && live && (
              <ScreenSlot>
                <HistoryPanel
                  api={api}
                  apply={apply}
                  contextId={activeId}
                  title={`History of ${active?.name ?? activeId}`}
                />
              </ScreenSlot>
            )}
          </div>
        )}
      </main>
      <footer className="statusbar">
        {appInfo ? `Switchyard ${appInfo.version} · ${appInfo.mode} mode · Node ${appInfo.node}` : '…'}
      </footer>
      {reviewing && (
        <ScreenSlot>
          <ReviewDialog store={apply} />
        </ScreenSlot>
      )}
      <UndoToast store={apply} />
      <PlanNoticeToast store={stepPlanStoreFor(api)} />
      {help && (
        <ScreenSlot>
          <ShortcutsSheet onClose={() => setHelp(false)} />
        </ScreenSlot>
      )}
    </div>
  );
}
