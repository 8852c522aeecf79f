import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'nf-run-detail-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<div class="nf-page"><h1>RunDetailPage</h1></div>',
})
export class RunDetailPage {}
