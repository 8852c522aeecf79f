import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'nf-catalogue-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<div class="nf-page"><h1>CataloguePage</h1></div>',
})
export class CataloguePage {}
