import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectFromEnvironment } from './api/api-client.ts';
import { App } from './app/app.tsx';
import { createClustersStore } from './stores/clusters-store.ts';
import './styles.css';

const api = connectFromEnvironment();
const clusters = createClustersStore(api);
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App clusters={clusters} />
  </StrictMode>,
);
