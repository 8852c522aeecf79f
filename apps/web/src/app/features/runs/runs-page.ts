import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'nf-runs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<div class="nf-page"><h1>RunsPage</h1></div>',
})
export class RunsPage {}
