import type { Routes } from '@angular/router';

export const settingsRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'connectors' },
  { path: 'connectors', loadComponent: () => import('../runs/runs-page').then((m) => m.RunsPage) },
];
