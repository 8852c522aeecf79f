import type { Routes } from '@angular/router';
import { SettingsShell } from './settings-shell';

/** Mounted under /nomaflow/settings; Notifications and Users join the tab bar later. */
export const settingsRoutes: Routes = [
  {
    path: '',
    component: SettingsShell,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'connectors' },
      {
        path: 'connectors',
        title: 'Connectors · Settings · Nomaflow',
        loadComponent: () => import('./connectors/connectors-page').then((m) => m.ConnectorsPage),
      },
      {
        path: 'plugins',
        title: 'Plugins · Settings · Nomaflow',
        loadComponent: () => import('./plugins/plugins-page').then((m) => m.PluginsPage),
      },
    ],
  },
];
