import { Directive, inject, input } from '@angular/core';
import { Router } from '@angular/router';

/**
 * An in-app link for long lists: a plain `href` plus client-side navigation on a plain click.
 * RouterLink builds a UrlTree and follows router events per instance, which costs too much
 * when a page holds thousands of links (the catalogue has three per card); modified clicks
 * (new tab, new window) keep the browser's default.
 */
@Directive({
  selector: 'a[nfAppLink]',
  host: { '[attr.href]': 'nfAppLink()', '(click)': 'follow($event)' },
})
export class AppLink {
  readonly nfAppLink = input.required<string>();
  private readonly router = inject(Router);

  protected follow(event: MouseEvent): void {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void this.router.navigateByUrl(this.nfAppLink());
  }
}
