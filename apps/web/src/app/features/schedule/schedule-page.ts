import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'nf-schedule-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<div class="nf-page"><h1>SchedulePage</h1></div>',
})
export class SchedulePage {}
