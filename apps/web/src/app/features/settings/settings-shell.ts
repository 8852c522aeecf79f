import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

@Component({
  selector: 'nf-settings-shell',
  imports: [MatTabsModule, RouterLink, RouterLinkActive, RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="nf-page">
      <h1>Settings</h1>
      <nav mat-tab-nav-bar mat-stretch-tabs="false" [tabPanel]="panel" aria-label="Settings sections">
        @for (tab of tabs; track tab.path) {
          <a
            mat-tab-link
            [routerLink]="tab.path"
            routerLinkActive
            #rla="routerLinkActive"
            [active]="rla.isActive"
            >{{ tab.label }}</a
          >
        }
      </nav>
      <mat-tab-nav-panel #panel><router-outlet /></mat-tab-nav-panel>
    </div>
  `,
  styles: `
    h1 {
      margin: 0 0 8px;
    }
    mat-tab-nav-panel {
      display: block;
      padding-top: 16px;
    }
  `,
})
export class SettingsShell {
  protected readonly tabs = [
    { path: 'connectors', label: 'Connectors' },
    { path: 'plugins', label: 'Plugins' },
  ] as const;
}
