/**
 * Routing derived from the declaration, compiled once: a path under /api/v1 and a method to a
 * route and its path parameters; a known path with another method is a 405 with `Allow`.
 */
import { ACCOUNT_LIST_ROUTE, REST_ROUTES, type RestRoute } from '../contract/json-routes.js';

export type RouteTarget = { readonly kind: 'operation'; readonly route: RestRoute } | { readonly kind: 'list' };

interface Compiled {
  readonly method: string;
  readonly segments: readonly (string | { readonly param: string })[];
  readonly target: RouteTarget;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly target: RouteTarget; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

function compile(method: string, path: string, target: RouteTarget): Compiled {
  const segments = path
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : s));
  return { method, segments, target };
}

function matchSegments(compiled: Compiled, parts: readonly string[]): Record<string, string> | undefined {
  if (compiled.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = compiled.segments[i]!;
    const part = parts[i]!;
    if (typeof want === 'string') {
      if (want !== part) return undefined;
    } else {
      let value: string;
      try {
        value = decodeURIComponent(part);
      } catch {
        return undefined;
      }
      if (value === '') return undefined;
      params[want.param] = value;
    }
  }
  return params;
}

export class RestRouter {
  private readonly routes: readonly Compiled[];

  constructor(routes: readonly RestRoute[] = REST_ROUTES) {
    this.routes = [...routes.map((r) => compile(r.method, r.path, { kind: 'operation', route: r })), compile(ACCOUNT_LIST_ROUTE.method, ACCOUNT_LIST_ROUTE.path, { kind: 'list' })];
  }

  /** `path` is below the base path, e.g. `/accounts/jsmith`. */
  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').slice(1);
    const allow: string[] = [];
    for (const compiled of this.routes) {
      const params = matchSegments(compiled, parts);
      if (!params) continue;
      if (compiled.method === method) return { kind: 'found', target: compiled.target, params };
      allow.push(compiled.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}
