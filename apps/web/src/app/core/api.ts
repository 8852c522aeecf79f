import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { FieldError, JobDocument, LogLine, Run, RunEvent, RunOverrides } from '@nomaflow/contracts';
import { firstValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import {
  ApiError,
  type CalendarView,
  type CancelResult,
  type CatalogueEntry,
  type ConnectorInput,
  type ConnectorTestResult,
  type ConnectorView,
  type FireView,
  type RunsQuery,
  type StepTypesResponse,
} from './api-types';

function toParams(query: object): HttpParams {
  let params = new HttpParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params = params.set(k, String(v));
  }
  return params;
}

/** Unwraps a response, turning an HTTP error into an ApiError carrying the server's field errors. */
async function call<T>(request: Observable<T>): Promise<T> {
  try {
    return await firstValueFrom(request);
  } catch (e) {
    if (e instanceof HttpErrorResponse) {
      const body = e.error as { errors?: FieldError[] } | null;
      const errors =
        body && Array.isArray(body.errors)
          ? body.errors
          : [{ path: '', message: e.status === 0 ? 'server unreachable' : `HTTP ${e.status}` }];
      throw new ApiError(e.status, errors);
    }
    throw e;
  }
}

/** The one client of the Nomaflow HTTP API (SPEC §6). */
@Injectable({ providedIn: 'root' })
export class Api {
  private readonly http = inject(HttpClient);

  // Jobs
  jobs(): Promise<CatalogueEntry[]> {
    return call(this.http.get<CatalogueEntry[]>('/api/jobs'));
  }
  job(id: string): Promise<JobDocument> {
    return call(this.http.get<JobDocument>(`/api/jobs/${encodeURIComponent(id)}`));
  }
  createJob(job: JobDocument): Promise<JobDocument> {
    return call(this.http.post<JobDocument>('/api/jobs', job));
  }
  replaceJob(id: string, job: JobDocument): Promise<JobDocument> {
    return call(this.http.put<JobDocument>(`/api/jobs/${encodeURIComponent(id)}`, job));
  }
  deleteJob(id: string): Promise<void> {
    return call(this.http.delete<void>(`/api/jobs/${encodeURIComponent(id)}`));
  }
  validateJob(job: unknown): Promise<{ valid: true; errors: FieldError[] }> {
    return call(this.http.post<{ valid: true; errors: FieldError[] }>('/api/jobs/validate', job));
  }
  reload(): Promise<unknown> {
    return call(this.http.post('/admin/reload', {}));
  }

  // Runs
  trigger(jobId: string, overrides: RunOverrides = {}): Promise<{ run_id: string }> {
    return call(this.http.post<{ run_id: string }>(`/api/jobs/${encodeURIComponent(jobId)}/runs`, overrides));
  }
  runs(query: RunsQuery = {}): Promise<{ runs: Run[]; next_cursor: string | null }> {
    return call(
      this.http.get<{ runs: Run[]; next_cursor: string | null }>('/api/runs', { params: toParams(query) }),
    );
  }
  run(id: string, withSnapshot = false): Promise<Run> {
    const params = withSnapshot ? toParams({ include: 'snapshot' }) : undefined;
    return call(this.http.get<Run>(`/api/runs/${encodeURIComponent(id)}`, { params }));
  }
  logs(
    id: string,
    afterSeq = 0,
    limit = 10_000,
  ): Promise<{ run_id: string; status: Run['status']; lines: LogLine[]; last_seq: number }> {
    return call(
      this.http.get<{ run_id: string; status: Run['status']; lines: LogLine[]; last_seq: number }>(
        `/api/runs/${encodeURIComponent(id)}/logs`,
        { params: toParams({ after_seq: afterSeq, limit }) },
      ),
    );
  }
  events(id: string, afterSeq = 0): Promise<{ run_id: string; status: Run['status']; events: RunEvent[] }> {
    return call(
      this.http.get<{ run_id: string; status: Run['status']; events: RunEvent[] }>(
        `/api/runs/${encodeURIComponent(id)}/events`,
        { params: toParams({ after_seq: afterSeq }) },
      ),
    );
  }
  cancel(id: string): Promise<CancelResult> {
    return call(this.http.post<CancelResult>(`/api/runs/${encodeURIComponent(id)}/cancel`, {}));
  }
  replay(id: string): Promise<{ run_id: string }> {
    return call(this.http.post<{ run_id: string }>(`/api/runs/${encodeURIComponent(id)}/replay`, {}));
  }

  // Catalogue of step types, schedule maths
  stepTypes(): Promise<StepTypesResponse> {
    return call(this.http.get<StepTypesResponse>('/api/step-types'));
  }
  schedulePreview(cron: string, timezone?: string, count = 3): Promise<{ fires: FireView[] }> {
    return call(
      this.http.get<{ fires: FireView[] }>('/api/schedule/preview', {
        params: toParams({ cron, timezone, count }),
      }),
    );
  }
  calendar(from: string, to: string): Promise<CalendarView> {
    return call(this.http.get<CalendarView>('/api/schedule/calendar', { params: toParams({ from, to }) }));
  }

  // Connectors
  connectors(): Promise<ConnectorView[]> {
    return call(this.http.get<ConnectorView[]>('/api/connectors'));
  }
  createConnector(input: ConnectorInput): Promise<ConnectorView> {
    return call(this.http.post<ConnectorView>('/api/connectors', input));
  }
  replaceConnector(name: string, input: ConnectorInput): Promise<ConnectorView> {
    return call(this.http.put<ConnectorView>(`/api/connectors/${encodeURIComponent(name)}`, input));
  }
  deleteConnector(name: string): Promise<void> {
    return call(this.http.delete<void>(`/api/connectors/${encodeURIComponent(name)}`));
  }
  testConnector(name: string): Promise<ConnectorTestResult> {
    return call(this.http.post<ConnectorTestResult>(`/api/connectors/${encodeURIComponent(name)}/test`, {}));
  }
  testConnectorInput(input: ConnectorInput): Promise<ConnectorTestResult> {
    return call(this.http.post<ConnectorTestResult>('/api/connectors/test', input));
  }
}
