/** GET /healthz and GET /readyz. */
export interface HealthBody {
  status: 'ok';
}

export interface ReadinessBody {
  status: 'ready' | 'unavailable';
  database: { ok: boolean; reason?: string };
}
