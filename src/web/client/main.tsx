import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api.ts';
import { App } from './app.tsx';
import { initLang } from './i18n.ts';
import { preloadPage } from './pages.ts';
import { prefetchRoute } from './queries.ts';
import { matchRoute } from './router.ts';
import './styles.css';
import './styles-analytics.css';
import './styles-pages.css';
import './styles-print.css';

initLang();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // 4xx answers are final; network trouble and 5xx get two more tries.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

// The first page: its requests start now, and its code is loaded before the first render (so the first
// render does not suspend); a slow or failed chunk load does not hold the frame back for long.
const route = matchRoute(window.location.pathname);
prefetchRoute(queryClient, route, new URLSearchParams(window.location.search));
await Promise.race([
  preloadPage(route).catch(() => undefined),
  new Promise((resolve) => window.setTimeout(resolve, 2_000)),
]);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
