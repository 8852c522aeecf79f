import type { Routes } from '@angular/router';
import { unsavedChangesGuard } from './core/unsaved-changes';
import { CataloguePage } from './features/catalogue/catalogue-page';

/** Every other page is a lazy chunk: the first paint loads only the shell and the page it lands on. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'nomaflow/jobs' },
  { path: 'nomaflow', pathMatch: 'full', redirectTo: 'nomaflow/jobs' },
  // The landing page is in the initial bundle: no chunk waterfall before the first cards.
  { path: 'nomaflow/jobs', title: 'Jobs · Nomaflow', component: CataloguePage },
  {
    path: 'nomaflow/jobs/new',
    title: 'New job · Nomaflow',
    loadComponent: () => import('./features/editor/job-editor-page').then((m) => m.JobEditorPage),
    canDeactivate: [unsavedChangesGuard],
  },
  {
    path: 'nomaflow/jobs/:id/runs',
    title: 'Runs · Nomaflow',
    loadComponent: () => import('./features/runs/runs-page').then((m) => m.RunsPage),
  },
  {
    path: 'nomaflow/jobs/:id',
    title: 'Edit job · Nomaflow',
    loadComponent: () => import('./features/editor/job-editor-page').then((m) => m.JobEditorPage),
    canDeactivate: [unsavedChangesGuard],
  },
  {
    path: 'nomaflow/runs',
    title: 'Runs · Nomaflow',
    loadComponent: () => import('./features/runs/runs-page').then((m) => m.RunsPage),
  },
  {
    path: 'nomaflow/runs/:id',
    title: 'Run · Nomaflow',
    loadComponent: () => import('./features/run-detail/run-detail-page').then((m) => m.RunDetailPage),
  },
  {
    path: 'nomaflow/schedule',
    title: 'Schedule · Nomaflow',
    loadComponent: () => import('./features/schedule/schedule-page').then((m) => m.SchedulePage),
  },
  {
    path: 'nomaflow/settings',
    loadChildren: () => import('./features/settings/settings.routes').then((m) => m.settingsRoutes),
  },
  { path: '**', redirectTo: 'nomaflow/jobs' },
];
