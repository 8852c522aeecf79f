import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Live } from './core/live';

@Component({
  selector: 'nf-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="shell-bar">
      <a class="brand" routerLink="/nomaflow/jobs" aria-label="Nomaflow home">Nomaflow</a>
      <nav class="nav" aria-label="Main">
        <a
          class="nf-btn nf-btn-text"
          routerLink="/nomaflow/jobs"
          routerLinkActive="active"
          [routerLinkActiveOptions]="{ exact: true }"
          >Jobs</a
        >
        <a class="nf-btn nf-btn-text" routerLink="/nomaflow/runs" routerLinkActive="active">Runs</a>
        <a class="nf-btn nf-btn-text" routerLink="/nomaflow/schedule" routerLinkActive="active">Schedule</a>
        <a class="nf-btn nf-btn-text" routerLink="/nomaflow/settings" routerLinkActive="active">Settings</a>
      </nav>
      <span class="nf-spacer"></span>
      <span
        class="live"
        [class.on]="live.connected()"
        role="status"
        [attr.aria-label]="live.connected() ? 'Live updates connected' : 'Live updates disconnected'"
      >
        ● {{ live.connected() ? 'live' : 'offline' }}
      </span>
    </header>
    <main id="main" tabindex="-1"><router-outlet /></main>
  `,
  styles: `
    .shell-bar {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      min-height: 64px;
      padding: 0 16px;
      box-sizing: border-box;
      position: sticky;
      top: 0;
      z-index: 10;
      gap: 8px;
      background: var(--mat-sys-surface-container);
    }
    .brand {
      font-weight: 600;
      text-decoration: none;
      color: inherit;
      margin-right: 16px;
    }
    .nav {
      display: flex;
      gap: 4px;
      flex-wrap: wrap;
    }
    .nav a.active {
      background: var(--mat-sys-secondary-container);
    }
    .live {
      font-size: 12px;
      color: var(--nf-canceled);
    }
    .live.on {
      color: var(--nf-succeeded);
    }
    .skip-link {
      position: absolute;
      left: -9999px;
    }
    .skip-link:focus {
      left: 8px;
      top: 8px;
      z-index: 100;
      background: white;
      padding: 4px;
    }
    main:focus {
      outline: none;
    }
  `,
})
export class App {
  protected readonly live = inject(Live);

  constructor() {
    this.live.connect();
  }
}
