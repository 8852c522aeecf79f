import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ConnectorView } from '../../../core/api-types';
import { ConnectorDialog } from './connector-dialog';

describe('ConnectorDialog', () => {
  const existing: ConnectorView = {
    name: 'rep',
    driver: 'postgres',
    host: 'h',
    port: 5432,
    database: 'd',
    user: 'u',
    options: {},
    has_password: true,
    builtin: false,
  };
  let http: HttpTestingController;
  const close = vi.fn();

  const open = async (connector?: ConnectorView) => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: { connector } },
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ConnectorDialog);
    await fixture.whenStable();
    return fixture;
  };
  const q = (root: HTMLElement, id: string) =>
    root.querySelector(`[data-testid="${id}"]`) as HTMLInputElement;
  const settle = async (f: { whenStable(): Promise<unknown> }) => {
    await new Promise((r) => setTimeout(r, 0));
    await f.whenStable();
  };

  it('locks the name when editing, never pre-fills the password and omits it from the PUT', async () => {
    const f = await open(existing);
    const root = f.nativeElement as HTMLElement;
    expect(q(root, 'connector-name').disabled).toBe(true);
    expect(q(root, 'connector-password').value).toBe('');
    expect(root.textContent).toContain('password set');
    q(root, 'connector-save').click();
    await settle(f);
    const put = http.expectOne({ method: 'PUT', url: '/api/connectors/rep' });
    expect(put.request.body).toEqual({
      name: 'rep',
      driver: 'postgres',
      host: 'h',
      port: 5432,
      database: 'd',
      user: 'u',
      options: { ssl: false },
    });
    put.flush(existing);
    await settle(f);
    expect(close).toHaveBeenCalledWith(existing);
  });

  it('shows server validation errors on their fields', async () => {
    const f = await open();
    const root = f.nativeElement as HTMLElement;
    const name = q(root, 'connector-name');
    name.value = 'fresh';
    name.dispatchEvent(new Event('input'));
    q(root, 'connector-save').click();
    await settle(f);
    http
      .expectOne({ method: 'POST', url: '/api/connectors' })
      .flush(
        { errors: [{ path: '/host', message: 'give either url or host (with port, database, user)' }] },
        { status: 400, statusText: 'Bad Request' },
      );
    await settle(f);
    const error = root.querySelector('mat-error');
    expect(error?.textContent).toContain('give either url or host');
    expect(error?.closest('mat-form-field')?.querySelector('[data-testid="connector-host"]')).not.toBeNull();
  });
});
