import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './styles.css';
import { App } from './App';
import { registerServiceWorker } from './field/service-worker-registration';

const container = document.getElementById('root');
if (!container) throw new Error('#root element missing');

// Only the built app: the development server's modules change on every edit and must not be kept.
if (import.meta.env.PROD) registerServiceWorker();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
